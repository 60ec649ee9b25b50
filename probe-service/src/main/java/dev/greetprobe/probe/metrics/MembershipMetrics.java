package dev.greetprobe.probe.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import java.time.Instant;

/**
 * What an instance that shares the targets with live peers exports of them: how many, how often they change, and
 * whether looking them up still works.
 */
public final class MembershipMetrics {

  private final GaugeDataPoint peers;
  private final CounterDataPoint changes;
  private final CounterDataPoint failures;
  private final GaugeDataPoint lastSuccess;

  MembershipMetrics(GaugeDataPoint peers, CounterDataPoint changes, CounterDataPoint failures,
      GaugeDataPoint lastSuccess) {
    this.peers = peers;
    this.changes = changes;
    this.failures = failures;
    this.lastSuccess = lastSuccess;
  }

  /** A lookup listed {@code count} peers, this instance among them. */
  public void refreshed(int count, Instant at) {
    peers.set(count);
    lastSuccess.set(at.toEpochMilli() / 1000.0);
  }

  /** The peers a lookup listed differ from those before. */
  public void changed() {
    changes.inc();
  }

  /** A lookup failed, or listed no peer: the peers before it are kept. */
  public void refreshFailed() {
    failures.inc();
  }
}
