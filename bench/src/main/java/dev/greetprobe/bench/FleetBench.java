package dev.greetprobe.bench;

import dev.greetprobe.probe.config.Membership;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.ShardAssignment;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import dev.greetprobe.testkit.Ports;
import dev.greetprobe.testkit.PrometheusText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A probe fleet under a fault: three probe processes sharing N loopback greeting checks through DNS (dnsmasq, its
 * records rewritten as Kubernetes rewrites a headless Service's), one killed with SIGKILL mid-run and taken out of
 * the records, then started again and put back. Every probe's results are collected from {@code /targets}, and from
 * them: how long until each of the killed probe's targets was probed again, the longest gap any target saw, how many
 * targets two probes probed within one interval (steady, after the kill, after the rejoin), and each probe's CPU.
 */
final class FleetBench {

  private FleetBench() {
  }

  private static final String PEERS = "probe.fleet.test";
  private static final List<String> PEERS_ADDRESSES = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
  private static final String VICTIM = "127.0.0.3";
  /** Each result is kept this many intervals: the collector reads every probe's history well within it. */
  private static final int HISTORY = 20;
  private static final long COLLECT_EVERY_MILLIS = 5_000;
  /**
   * While a joining probe takes targets over, their old holders drop them, and their histories with them, at a
   * refresh: the collector then reads every second, so that at most a second of their results goes unseen.
   */
  private static final long COLLECT_IN_HANDOVER_MILLIS = 1_000;
  private static final long SLEEP_STEP_MILLIS = 50;
  private static final Duration PHASE = Duration.ofSeconds(30);

  /** One probe of the fleet, and the port of its HTTP endpoint. */
  private record Peer(ChildProcess process, int httpPort) {

    String get(String path) throws Exception {
      return Services.get(httpPort, path);
    }
  }

  record Figures(int targets, int replicas, double intervalSeconds, double refreshSeconds, int orphaned,
      double recoverySeconds, double longestGapSeconds, String longestGapTarget, double longestGapFromKill,
      int gapsOverTwoIntervals, Path results, int steadyDoubled,
      int killDoubled, int joinDoubled, int steadySeconds, Map<String, Double> steadyCpu,
      Map<String, Double> killExtraCpu, double assignmentMillis, int membershipChanges) {
  }

  /** Every result the collector saw: per target, the instants its probes finished, and which peer probed. */
  private static final class Results {

    final Map<String, TreeMap<Long, String>> byTarget = new ConcurrentHashMap<>();

    void collect(String peer, Peer probe) throws Exception {
      JsonArray targets = new JsonObject(probe.get("/targets")).getJsonArray("targets");
      for (Object entry : targets) {
        JsonObject target = (JsonObject) entry;
        TreeMap<Long, String> seen = byTarget.computeIfAbsent(target.getString("name"), n -> new TreeMap<>());
        for (Object result : target.getJsonArray("history")) {
          long at = Instant.parse(((JsonObject) result).getString("finished_at")).toEpochMilli();
          synchronized (seen) {
            seen.put(at * 4 + PEERS_ADDRESSES.indexOf(peer), peer);
          }
        }
      }
    }

    /** Every result as {@code target,peer,finished_at_ms}, for a closer look at a run. */
    Path write(Path file) throws Exception {
      StringBuilder csv = new StringBuilder("target,peer,finished_at_ms\n");
      for (String name : new TreeMap<>(byTarget).keySet()) {
        for (Map.Entry<Long, String> result : of(name)) {
          csv.append(name).append(',').append(result.getValue()).append(',').append(result.getKey()).append('\n');
        }
      }
      return Files.writeString(file, csv);
    }

    /** The finishing instants of {@code target}'s probes, each with its peer, in order. */
    List<Map.Entry<Long, String>> of(String target) {
      TreeMap<Long, String> seen = byTarget.getOrDefault(target, new TreeMap<>());
      synchronized (seen) {
        return seen.entrySet().stream().map(e -> Map.entry(e.getKey() / 4, e.getValue())).toList();
      }
    }
  }

  /**
   * Reads every running probe's {@code /targets} on a thread of its own, so that no result ages out of a history
   * unread, even while the bench waits for a probe to start.
   */
  private static final class Collector implements AutoCloseable {

    final Map<String, Peer> probes = new ConcurrentHashMap<>();
    private final Results results;
    private final Thread thread;
    private volatile long periodMillis = COLLECT_EVERY_MILLIS;
    private volatile boolean running = true;

    Collector(Results results) {
      this.results = results;
      this.thread = new Thread(this::collect, "collector");
      thread.setDaemon(true);
      thread.start();
    }

    void every(long millis) {
      periodMillis = millis;
    }

    /** Each round reads the probes side by side: one read after another took longer than a second on two cores. */
    private void collect() {
      ExecutorService readers = Executors.newFixedThreadPool(PEERS_ADDRESSES.size());
      try {
        while (running) {
          List<Callable<Void>> round = new ArrayList<>();
          for (Map.Entry<String, Peer> probe : probes.entrySet()) {
            round.add(() -> {
              try {
                results.collect(probe.getKey(), probe.getValue());
              } catch (Exception e) {
                System.err.println("collecting " + probe.getKey() + " failed: " + e);
              }
              return null;
            });
          }
          long started = System.nanoTime();
          readers.invokeAll(round);
          // In short steps, so that a shorter period takes effect within one.
          while (running && System.nanoTime() - started < periodMillis * 1_000_000) {
            Thread.sleep(SLEEP_STEP_MILLIS);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        readers.shutdownNow();
      }
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join();
    }
  }

  static Figures run(Path root, Path work, int targets, int replicas, int intervalSeconds, int refreshSeconds,
      int warmupSeconds) throws Exception {
    Path hosts = work.resolve("fleet-hosts");
    writeHosts(hosts, PEERS_ADDRESSES);
    int dnsPort = Ports.freeTcpAndUdp();
    ChildProcess dns = ChildProcess.start("dnsmasq", Command.of("/usr/sbin/dnsmasq", "--no-daemon",
        "--port=" + dnsPort, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
        "--pid-file=", "--log-facility=-", "--local=/test/", "--local-ttl=0", "--no-negcache",
        "--addn-hosts=" + hosts), work.resolve("fleet-dnsmasq.log"));
    int greeterPort = Ports.free();
    int greeterHttp = Ports.free();
    Path greeterConfig = Files.writeString(work.resolve("fleet-greeter.yaml"),
        "host: 127.0.0.1\nport: " + greeterPort + "\nhttp: {host: 127.0.0.1, port: " + greeterHttp + "}\n");
    Map<String, Path> configs = new HashMap<>();
    Results results = new Results();
    Collector collector = new Collector(results);
    Map<String, Peer> probes = collector.probes;
    try (ChildProcess greeter = Services.jar(root.resolve("greeter-service/target/greeter-service.jar"), greeterConfig,
        greeterHttp, work.resolve("fleet-greeter.log"))) {
      for (String peer : PEERS_ADDRESSES) {
        configs.put(peer, Files.writeString(work.resolve("fleet-probe-" + peer + ".yaml"),
            config(peer, targets, replicas, intervalSeconds, refreshSeconds, greeterPort, dnsPort)));
        probes.put(peer, startProbe(root, work, peer, configs.get(peer)));
      }
      Thread.sleep(warmupSeconds * 1000L);

      Instant steadyFrom = Instant.now();
      Map<String, Double> cpuBefore = cpu(probes);
      Thread.sleep(PHASE.toMillis());
      Map<String, Double> steadyCpu = rates(cpuBefore, cpu(probes), Duration.between(steadyFrom, Instant.now()));
      Instant steadyTo = Instant.now();

      Peer victim = probes.remove(VICTIM);
      List<String> orphaned = names(victim);
      results.collect(VICTIM, victim);
      victim.process().kill();
      writeHosts(hosts, PEERS_ADDRESSES.subList(0, 2));
      dns.signal("HUP");
      Instant removed = Instant.now();
      Map<String, Double> killCpuBefore = cpu(probes);
      Thread.sleep((refreshSeconds + 2L * intervalSeconds) * 1000);
      Map<String, Double> killExtra = extra(killCpuBefore, cpu(probes), Duration.between(removed, Instant.now()),
          steadyCpu);
      Thread.sleep(PHASE.toMillis());
      Instant killSettled = Instant.now();

      Instant joinFrom = Instant.now();
      probes.put(VICTIM, startProbe(root, work, VICTIM, configs.get(VICTIM)));
      collector.every(COLLECT_IN_HANDOVER_MILLIS);
      writeHosts(hosts, PEERS_ADDRESSES);
      dns.signal("HUP");
      Thread.sleep((refreshSeconds + 2L * intervalSeconds) * 1000);
      collector.every(COLLECT_EVERY_MILLIS);
      Thread.sleep(PHASE.toMillis());
      Instant end = Instant.now();
      collector.close();
      for (Map.Entry<String, Peer> probe : probes.entrySet()) {
        results.collect(probe.getKey(), probe.getValue());
      }
      int changes = (int) probes.values().stream().mapToDouble(FleetBench::membershipChanges).max().orElse(0);

      double recovery = 0;
      for (String name : orphaned) {
        long first = results.of(name).stream().filter(r -> !r.getValue().equals(VICTIM))
            .filter(r -> r.getKey() >= removed.toEpochMilli()).mapToLong(Map.Entry::getKey).min()
            .orElse(Long.MAX_VALUE);
        recovery = Math.max(recovery, (first - removed.toEpochMilli()) / 1000.0);
      }
      double longest = 0;
      String longestTarget = "";
      double longestFromKill = 0;
      int overTwo = 0;
      for (String name : results.byTarget.keySet()) {
        List<Map.Entry<Long, String>> seen = results.of(name).stream()
            .filter(r -> r.getKey() >= steadyFrom.toEpochMilli() && r.getKey() <= end.toEpochMilli()).toList();
        for (int i = 1; i < seen.size(); i++) {
          double gap = (seen.get(i).getKey() - seen.get(i - 1).getKey()) / 1000.0;
          if (gap > 2 * intervalSeconds) {
            overTwo++;
          }
          if (gap > longest) {
            longest = gap;
            longestTarget = name;
            longestFromKill = (seen.get(i - 1).getKey() - removed.toEpochMilli()) / 1000.0;
          }
        }
      }
      long interval = intervalSeconds * 1000L;
      return new Figures(targets, replicas, intervalSeconds, refreshSeconds, orphaned.size(), recovery, longest,
          longestTarget, longestFromKill, overTwo, results.write(work.resolve("fleet-results.csv")), doubled(results, steadyFrom, steadyTo, interval, replicas),
          doubled(results, removed, killSettled, interval, replicas),
          doubled(results, joinFrom, end, interval, replicas), (int) Duration.between(steadyFrom, steadyTo).toSeconds(),
          steadyCpu, killExtra, assignmentMillis(Files.readString(configs.get(VICTIM))), changes);
    } finally {
      collector.close();
      probes.values().forEach(peer -> peer.process().close());
      dns.close();
    }
  }

  /**
   * How many targets more than {@code replicas} peers probed within one interval, somewhere between {@code from} and
   * {@code to}: probes that one peer too many made.
   */
  private static int doubled(Results results, Instant from, Instant to, long interval, int replicas) {
    int doubled = 0;
    for (String name : results.byTarget.keySet()) {
      List<Map.Entry<Long, String>> seen = results.of(name).stream()
          .filter(r -> r.getKey() >= from.toEpochMilli() && r.getKey() <= to.toEpochMilli()).toList();
      boolean more = false;
      for (int i = 0; i < seen.size() && !more; i++) {
        long start = seen.get(i).getKey();
        long peers = seen.stream().filter(r -> r.getKey() >= start && r.getKey() < start + interval)
            .map(Map.Entry::getValue).distinct().count();
        more = peers > replicas;
      }
      if (more) {
        doubled++;
      }
    }
    return doubled;
  }

  /** The CPU of computing one peer's assignment over the config's targets and three peers, in this JVM. */
  private static double assignmentMillis(String config) {
    List<Target> list = ProbeConfig.parse(config, "bench", Map.of()).targets();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] runs = new double[50];
    for (int i = 0; i < runs.length + 20; i++) {
      long start = threads.getCurrentThreadCpuTime();
      ShardAssignment.of(new Membership(PEERS_ADDRESSES, PEERS_ADDRESSES.get(i % 3), 1), list);
      if (i >= 20) {
        runs[i - 20] = (threads.getCurrentThreadCpuTime() - start) / 1e6;
      }
    }
    Arrays.sort(runs);
    return runs[runs.length / 2];
  }

  private static Peer startProbe(Path root, Path work, String peer, Path config) throws Exception {
    int port = Integer.parseInt(Files.readString(config).lines().filter(l -> l.startsWith("http:"))
        .findFirst().orElseThrow().replaceAll(".*port: (\\d+).*", "$1"));
    return new Peer(Services.jar(root.resolve("probe-service/target/probe-service.jar"), config, port,
        work.resolve("fleet-probe-" + peer + ".log"), "-Xmx384m"), port);
  }

  private static String config(String self, int targets, int replicas, int intervalSeconds, int refreshSeconds,
      int greeterPort, int dnsPort) {
    StringBuilder yaml = new StringBuilder()
        .append("http: {host: 127.0.0.1, port: ").append(Ports.free()).append("}\n")
        .append("reload: {interval: 1h}\n")
        .append("status: {history: ").append(HISTORY).append("}\n")
        .append("dns: {servers: ['127.0.0.1:").append(dnsPort).append("']}\n")
        .append("shard: {peers: ").append(PEERS).append(", self: ").append(self).append(", refresh: ")
        .append(refreshSeconds).append("s, replicas: ").append(replicas).append("}\n")
        .append("defaults: {interval: ").append(intervalSeconds).append("s, timeout: 500ms}\ntargets:\n");
    for (int i = 0; i < targets; i++) {
      yaml.append("  - {name: t").append(i).append(", address: \"127.0.0.1:").append(greeterPort)
          .append("\", expect: \"^Thank You for Connecting$\"}\n");
    }
    return yaml.toString();
  }

  private static void writeHosts(Path hosts, List<String> peers) throws Exception {
    StringBuilder text = new StringBuilder();
    peers.forEach(peer -> text.append(peer).append(' ').append(PEERS).append('\n'));
    Files.writeString(hosts, text);
  }

  private static List<String> names(Peer probe) throws Exception {
    List<String> names = new ArrayList<>();
    new JsonObject(probe.get("/targets")).getJsonArray("targets")
        .forEach(t -> names.add(((JsonObject) t).getString("name")));
    return names;
  }

  private static double membershipChanges(Peer probe) {
    try {
      return PrometheusText.parse(probe.get("/metrics"))
          .value("probe_shard_membership_changes_total");
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  private static Map<String, Double> cpu(Map<String, Peer> probes) throws Exception {
    Map<String, Double> cpu = new TreeMap<>();
    for (Map.Entry<String, Peer> probe : probes.entrySet()) {
      cpu.put(probe.getKey(), probe.getValue().process().cpuSeconds());
    }
    return cpu;
  }

  private static Map<String, Double> rates(Map<String, Double> before, Map<String, Double> after, Duration over) {
    Map<String, Double> rates = new TreeMap<>();
    after.forEach((peer, cpu) -> rates.put(peer, (cpu - before.getOrDefault(peer, cpu)) / (over.toMillis() / 1000.0)));
    return rates;
  }

  /** The CPU seconds each probe of {@code before} spent over {@code over} beyond its steady rate. */
  private static Map<String, Double> extra(Map<String, Double> before, Map<String, Double> after, Duration over,
      Map<String, Double> steady) {
    Map<String, Double> extra = new TreeMap<>();
    double seconds = over.toMillis() / 1000.0;
    before.forEach((peer, cpu) -> extra.put(peer, (after.get(peer) - cpu) - steady.get(peer) * seconds));
    return extra;
  }

  static void print(Figures f) {
    System.out.println();
    System.out.printf(Locale.ROOT, "probe fleet: 3 probes, %d loopback greeting checks at %.0f s, shard.refresh %.0f s,"
        + " replicas %d; %s killed (SIGKILL) and taken out of DNS, then started again%n", f.targets(),
        f.intervalSeconds(), f.refreshSeconds(), f.replicas(), VICTIM);
    System.out.printf(Locale.ROOT, "%-58s %10s%n", "figure", "value");
    System.out.printf(Locale.ROOT, "%-58s %8.2f s%n", "every target of the killed probe (" + f.orphaned()
        + ") probed again after", f.recoverySeconds());
    System.out.printf(Locale.ROOT, "%-58s %8.2f s%n", "longest gap any target saw (" + f.longestGapTarget()
        + String.format(Locale.ROOT, ", from %+.1f s of the kill)", f.longestGapFromKill()), f.longestGapSeconds());
    System.out.printf(Locale.ROOT, "%-58s %10d%n", "gaps longer than two intervals, all targets", f.gapsOverTwoIntervals());
    System.out.printf(Locale.ROOT, "%-58s %10d%n", "targets probed by more than " + f.replicas()
        + " within an interval, steady (" + f.steadySeconds() + " s)", f.steadyDoubled());
    System.out.printf(Locale.ROOT, "%-58s %10d%n", "  the same, from the kill until settled", f.killDoubled());
    System.out.printf(Locale.ROOT, "%-58s %10d%n", "  the same, from the rejoin until settled", f.joinDoubled());
    System.out.printf(Locale.ROOT, "%-58s %10d%n", "membership changes a probe saw", f.membershipChanges());
    System.out.printf(Locale.ROOT, "%-58s %8.2f ms%n", "CPU of one assignment over the targets and 3 peers",
        f.assignmentMillis());
    System.out.println();
    System.out.printf(Locale.ROOT, "%-10s %16s %26s%n", "probe", "steady CPU s/s", "CPU s beyond, after the kill");
    for (String peer : PEERS_ADDRESSES) {
      System.out.printf(Locale.ROOT, "%-10s %16.3f %26s%n", peer, f.steadyCpu().getOrDefault(peer, Double.NaN),
          format(f.killExtraCpu().get(peer)));
    }
    System.out.println("CPU beyond: what a survivor spent from the kill until a refresh and two intervals after it,"
        + " less its steady rate over that time: taking the killed probe's targets over.");
    System.out.println("every result collected: " + f.results());
  }

  private static String format(Double seconds) {
    return seconds == null || seconds.isNaN() ? "-" : String.format(Locale.ROOT, "%.3f", seconds);
  }
}
