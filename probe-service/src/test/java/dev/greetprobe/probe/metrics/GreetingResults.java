package dev.greetprobe.probe.metrics;

import static dev.greetprobe.probe.config.TestTargets.target;

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
