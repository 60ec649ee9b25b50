package dev.greetprobe.probe.metrics;

import static dev.greetprobe.probe.config.TestTargets.target;

import dev.greetprobe.common.Histograms;
import dev.greetprobe.probe.config.Phase;
import dev.greetprobe.probe.config.TestTargets;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/** Greeting checks and the results their probes record, for the tests of what the metrics make of them. */
final class GreetingResults {
  private GreetingResults() {}

  static TestTargets greeter(String address, String name) {
    return target(address).name(name).expect("^Thank You for Connecting$");
  }

  /**
   * Targets with labels of their own, one that sorts before the probe's own labels and one after, their values in
   * another order than the targets' names, one of them one the text format must escape; each probed once.
   */
  static TargetFamilies labelledTargets(Histograms mode) {
    TargetFamilies families = new TargetFamilies(mode);
    families.add(greeter("127.0.0.1:1", "a").labels("app", "web", "team", "zz").build())
        .record(greeted(Duration.ofMillis(1)));
    families.add(greeter("127.0.0.1:2", "b").labels("app", "api", "team", "payments").build())
        .record(greeted(Duration.ofMillis(2)));
    families.add(greeter("127.0.0.1:3", "c").labels("app", "web", "team", "quote\" back\\slash new\nline <b>").build())
        .record(failed(Result.CONNECT_REFUSED, Duration.ofMillis(3)));
    families.add(greeter("127.0.0.1:4", "d").labels("app", "api", "team", "storage").tls("d.local", null, true).build())
        .record(greetedOverTls(Duration.ofMillis(4), Instant.ofEpochSecond(1_900_000_000)));
    return families;
  }

  static ProbeResult greeted(Duration connect) {
    return new ProbeResult(Result.SUCCESS, "greeted", phases(connect), connect.multipliedBy(3),
        InetAddress.getLoopbackAddress(), "Thank You for Connecting", null, Instant.now());
  }

  /** Greeted over TLS, the handshake taking less than the connect, by a server whose certificate expires then. */
  static ProbeResult greetedOverTls(Duration connect, Instant certificateExpiry) {
    Map<Phase, Duration> phases = phases(connect);
    phases.put(Phase.TLS, connect.multipliedBy(3).dividedBy(4));
    return new ProbeResult(Result.SUCCESS, "greeted", phases, connect.multipliedBy(2).plus(connect.dividedBy(4)),
        InetAddress.getLoopbackAddress(), "Thank You for Connecting", certificateExpiry, Instant.now());
  }

  static ProbeResult failed(Result result, Duration connect) {
    return new ProbeResult(result, "refused", Map.of(Phase.RESOLVE, Duration.ofNanos(1), Phase.CONNECT, connect),
        connect, InetAddress.getLoopbackAddress(), null, null, Instant.now());
  }

  private static Map<Phase, Duration> phases(Duration connect) {
    Map<Phase, Duration> phases = new EnumMap<>(Phase.class);
    phases.put(Phase.RESOLVE, Duration.ofNanos(connect.toNanos() / 3));
    phases.put(Phase.CONNECT, connect);
    phases.put(Phase.FIRST_BYTE, Duration.ofNanos(connect.toNanos() / 2));
    return phases;
  }
}
