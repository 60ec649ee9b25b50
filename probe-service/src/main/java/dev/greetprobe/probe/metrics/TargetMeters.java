package dev.greetprobe.probe.metrics;

import dev.greetprobe.common.Histograms;
import dev.greetprobe.probe.config.Phase;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import java.time.Duration;
import java.util.concurrent.locks.StampedLock;

/**
 * One target's series: the last probe's gauges, a counter for each result, the skip counter, and a histogram for each
 * phase the target goes through. Only the event loop that probes the target writes them; scrapes, on a worker, read
 * {@link #values}, a copy that no probe can tear (a histogram whose buckets and count disagree is refused by the
 * Prometheus client's exposition). The writer never waits: a copy is taken optimistically and taken again if a probe
 * was recorded meanwhile.
 */
public final class TargetMeters {

  private static final Phase[] PHASES = Phase.values();

  private final String name;
  private final SeriesLabels labels;
  private final TargetFamilies families;
  private final long createdMillis = System.currentTimeMillis();
  private final StampedLock lock = new StampedLock();
  // NaN until the target's first probe ends: a target not probed yet is not a failed one, and alerts on
  // probe_success == 0 or a dashboard's red must not see every restart as an outage.
  private double success = Double.NaN;
  private double duration = Double.NaN;
  private double dnsLookup = Double.NaN;
  private double ipProtocol = Double.NaN;
  /** Without TLS a target exports no certificate expiry. */
  private final boolean tls;
  private double certExpiry = Double.NaN;
  private final long[] byResult = new long[Result.values().length];
  private long skipped;
  /** By {@link Phase#ordinal}; null for a phase the target does not go through. */
  private final PhaseHistogram[] phases = new PhaseHistogram[PHASES.length];

  TargetMeters(Target target, Histograms mode, TargetFamilies families) {
    this.name = target.name();
    this.labels = SeriesLabels.of(target);
    this.families = families;
    this.tls = target.tls() != null;
    // Only the phases the target goes through: a classic histogram that can never count is still many series in
    // every scrape, which Prometheus stores and the probe renders, for nothing.
    for (Phase phase : target.phases()) {
      phases[phase.ordinal()] = new PhaseHistogram(mode);
    }
  }

  String name() {
    return name;
  }

  public void record(ProbeResult result) {
    long stamp = lock.writeLock();
    try {
      // By the histograms rather than over the result's map, whose entries would each be an object made for the walk.
      for (int i = 0; i < phases.length; i++) {
        Duration d = phases[i] == null ? null : result.phases().get(PHASES[i]);
        if (d != null) {
          phases[i].observe(ProbeMetrics.seconds(d));
        }
      }
      byResult[result.result().ordinal()]++;
      success = result.success() ? 1 : 0;
      duration = ProbeMetrics.seconds(result.duration());
      Duration resolve = result.phases().get(Phase.RESOLVE);
      dnsLookup = resolve == null ? 0 : ProbeMetrics.seconds(resolve);
      ipProtocol = result.ipProtocol();
      if (result.certExpiry() != null && tls) {
        certExpiry = result.certExpiry().getEpochSecond();
      }
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  public void skipped() {
    long stamp = lock.writeLock();
    try {
      skipped++;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Takes the target's series out of {@code /metrics}. */
  public void remove() {
    families.remove(this);
  }

  /** What a scrape exports of this target, as of one moment between two probes. */
  Values values() {
    while (true) {
      long stamp = lock.tryOptimisticRead();
      if (stamp != 0) {
        Values copy = copy();
        if (lock.validate(stamp)) {
          return copy;
        }
      }
      Thread.onSpinWait();
    }
  }

  private Values copy() {
    PhaseHistogram[] histograms = new PhaseHistogram[phases.length];
    for (int i = 0; i < phases.length; i++) {
      histograms[i] = phases[i] == null ? null : phases[i].copy();
    }
    return new Values(name, labels, createdMillis, success, duration, dnsLookup, ipProtocol,
        tls ? certExpiry : null, byResult.clone(), skipped, histograms);
  }

  /**
   * A copy of a target's series.
   *
   * @param labels what each of the series carries
   * @param certExpiry null for a target without TLS
   * @param byResult by {@link Result#ordinal}
   * @param phases by {@link Phase#ordinal}, null for a phase the target does not go through
   */
  record Values(String name, SeriesLabels labels, long createdMillis, double success, double duration, double dnsLookup,
      double ipProtocol, Double certExpiry, long[] byResult, long skipped, PhaseHistogram[] phases) {
  }
}
