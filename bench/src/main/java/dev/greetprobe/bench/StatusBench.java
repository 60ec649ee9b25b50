package dev.greetprobe.bench;

import dev.greetprobe.probe.config.HostPort;
import dev.greetprobe.probe.config.IpProtocol;
import dev.greetprobe.probe.config.Phase;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.http.StatusPage;
import dev.greetprobe.probe.http.StatusView;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import dev.greetprobe.probe.schedule.ResultHistory;
import dev.greetprobe.probe.schedule.StateChanges;
import dev.greetprobe.probe.schedule.UptimeRollup;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The status page's cost on the server: the probe's own view and template, in this process, for N targets whose
 * histories are full ({@code status.history} at its default), a tenth of them down. Each render takes the view of all
 * N targets (counted, filtered, sorted, the page's rows summed up) and writes the page's HTML, as {@code GET /} does on
 * its worker: the first page of all targets in each layout, then of the down ones in the layout their number gets.
 */
final class StatusBench {

  private static final int WARMUP_RENDERS = 300;
  private static final int RENDERS = 300;
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private StatusBench() {
  }

  /** @param page which page, as a request would ask for it */
  record Figures(int targets, int history, String page, double p50Millis, double p99Millis, int pageBytes) {
  }

  static List<Figures> run(List<Integer> counts) {
    List<Figures> rows = new ArrayList<>();
    for (int n : counts) {
      List<StatusView.Entry> entries = entries(n, ProbeConfig.Status.DEFAULT.history());
      for (StatusView.Layout layout : List.of(StatusView.Layout.FULL, StatusView.Layout.COMPACT)) {
        rows.add(measure(entries, "/?view=" + layout.label(), new StatusView.Query(false, "", 1, layout, "")));
      }
      rows.add(measure(entries, "/?show=down", new StatusView.Query(true, "", 1, StatusView.Layout.AUTO, "")));
    }
    return rows;
  }

  private static Figures measure(List<StatusView.Entry> entries, String page, StatusView.Query query) {
    StatusView.Header header = new StatusView.Header("bench-0", "bench", "0/1", entries.size(), 0, "vertx",
        "applied " + StatusView.dateTime(NOW), true, StatusView.dateTime(NOW));
    int bytes = 0;
    for (int i = 0; i < WARMUP_RENDERS; i++) {
      bytes = StatusPage.render(StatusView.of(header, entries, query, "/status.css")).length();
    }
    long[] nanos = new long[RENDERS];
    for (int i = 0; i < RENDERS; i++) {
      long start = System.nanoTime();
      StatusPage.render(StatusView.of(header, entries, query, "/status.css"));
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return new Figures(entries.size(), entries.get(0).history().capacity(), page,
        nanos[RENDERS / 2] / 1e6, nanos[(int) Math.ceil(RENDERS * 0.99) - 1] / 1e6, bytes);
  }

  /** {@code n} targets, every tenth down, each history full: mostly successes, a failure now and then. */
  private static List<StatusView.Entry> entries(int n, int history) {
    Random random = new Random(n);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    List<StatusView.Entry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Target target = new Target("target-" + i, new HostPort("host-" + i + ".example", 12345), null, null, null,
          IpProtocol.AUTO, Duration.ofSeconds(10), Duration.ofSeconds(5));
      ResultHistory results = new ResultHistory(history);
      StateChanges changes = new StateChanges(NOW.minusSeconds(10L * history));
      UptimeRollup uptime = new UptimeRollup(NOW.minusSeconds(10L * history));
      ProbeResult last = null;
      for (int k = 0; k < history; k++) {
        boolean down = i % 10 == 0 && k >= history - 5 || random.nextInt(50) == 0;
        last = result(down ? Result.CONNECT_REFUSED : Result.SUCCESS, loopback, random,
            NOW.minusSeconds(10L * (history - k)));
        results.record(last);
        changes.record(last);
        uptime.record(last);
      }
      entries.add(new StatusView.Entry(target, last, results, changes, uptime, List.of()));
    }
    return entries;
  }

  private static ProbeResult result(Result result, InetAddress address, Random random, Instant finishedAt) {
    Duration resolve = micros(50 + random.nextInt(200));
    Duration connect = micros(200 + random.nextInt(2000));
    Map<Phase, Duration> phases = result == Result.SUCCESS
        ? Map.of(Phase.RESOLVE, resolve, Phase.CONNECT, connect, Phase.FIRST_BYTE,
            micros(100 + random.nextInt(1000)))
        : Map.of(Phase.RESOLVE, resolve, Phase.CONNECT, connect);
    Duration total = phases.values().stream().reduce(Duration.ZERO, Duration::plus);
    String detail = result == Result.SUCCESS ? "received 24 bytes from 127.0.0.1 port 12345"
        : "finishConnect(..) failed with error(-111): Connection refused";
    return new ProbeResult(result, detail, phases, total, address, null, null, finishedAt);
  }

  private static Duration micros(int micros) {
    return Duration.ofNanos(micros * 1000L);
  }

  static void print(List<Figures> rows) {
    System.out.println();
    System.out.println("status page: GET / rendered in-process, histories full, a tenth of the targets down ("
        + StatusView.PAGE_ROWS + " rows a page; " + WARMUP_RENDERS + " renders of warm-up, then " + RENDERS + ")");
    System.out.printf(Locale.ROOT, "%8s %8s %-16s %12s %12s %12s%n", "targets", "history", "page", "p50 ms", "p99 ms",
        "page KiB");
    for (Figures f : rows) {
      System.out.printf(Locale.ROOT, "%8d %8d %-16s %12.2f %12.2f %12.0f%n", f.targets(), f.history(), f.page(),
          f.p50Millis(), f.p99Millis(), f.pageBytes() / 1024.0);
    }
  }
}
