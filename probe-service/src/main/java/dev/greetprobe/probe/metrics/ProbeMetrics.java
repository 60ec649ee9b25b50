package dev.greetprobe.probe.metrics;

import dev.greetprobe.common.Exposition;
import dev.greetprobe.common.Histograms;
import dev.greetprobe.common.Transport;
import dev.greetprobe.probe.config.Phase;
import dev.greetprobe.probe.config.Shard;
import dev.greetprobe.probe.config.ShardAssignment;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * The only place that touches the probe's metrics, each family described by its {@link ProbeFamily}. Names follow
 * blackbox_exporter's where the meaning is the same ({@code probe_success}, {@code probe_duration_seconds},
 * {@code probe_dns_lookup_time_seconds}, {@code probe_ip_protocol}, {@code probe_ssl_earliest_cert_expiry}), so its
 * dashboards and alerts keep working.
 * Every series of a target is registered when the target is, so none appears late or only after a failure; a
 * phase's histogram only for targets that go through the phase. All are in the Prometheus client's registry, which
 * Micrometer scrapes, and its histograms can be native ({@code metrics.histograms}). The probe's own series are the
 * client's metrics; each target's are {@link TargetMeters}, collected by {@link TargetFamilies}, because a target has
 * one writer and tens of thousands of them are scraped at once, which the client's labelled metrics are not built for.
 */
public final class ProbeMetrics {

  /** Classic bucket bounds for phase durations, in seconds: from a connect on loopback to a DNS lookup across a WAN. */
  static final double[] PHASE_BUCKETS = {
      0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /** Classic bucket bounds for schedule lateness, in seconds, around the 50 ms a probe may start late. */
  static final double[] LATENESS_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};

  private final PrometheusRegistry registry;
  private final Histogram lateness;
  private final TargetFamilies targetFamilies;
  private final GaugeDataPoint held;
  private final GaugeDataPoint elsewhere;
  private final GaugeDataPoint configTargets;
  private final GaugeDataPoint shardIndex;
  private final GaugeDataPoint shardCount;
  private final GaugeDataPoint reloadSuccessful;
  private final GaugeDataPoint reloadSuccessSeconds;

  public ProbeMetrics(PrometheusMeterRegistry meters, Histograms histograms) {
    registry = meters.getPrometheusRegistry();
    lateness = ProbeFamily.LATENESS.describe(histograms.builder(LATENESS_BUCKETS)).register(registry);
    targetFamilies = new TargetFamilies(histograms);
    registry.register(targetFamilies);
    Gauge targets = gauge(ProbeFamily.TARGETS).labelNames("ownership").register(registry);
    held = targets.labelValues("held");
    elsewhere = targets.labelValues("elsewhere");
    configTargets = gauge(ProbeFamily.CONFIG_TARGETS).register(registry);
    shardIndex = gauge(ProbeFamily.SHARD_INDEX).register(registry);
    shardCount = gauge(ProbeFamily.SHARDS).register(registry);
    shardCount.set(1);
    reloadSuccessful = gauge(ProbeFamily.RELOAD_SUCCESSFUL).register(registry);
    reloadSuccessful.set(1);
    reloadSuccessSeconds = gauge(ProbeFamily.RELOAD_SUCCESS_TIMESTAMP).register(registry);
  }

  private static Gauge.Builder gauge(ProbeFamily family) {
    return family.describe(Gauge.builder().withoutExemplars());
  }

  /** Exports which transport the probe connects over, as {@code probe_transport_info{transport}} = 1. */
  public void transport(Transport transport) {
    ProbeFamily.TRANSPORT.describe(Info.builder()).labelNames("transport").register(registry)
        .setLabelValues(transport.label());
  }

  /** A config took effect; this instance probes its part of it. */
  public void configLoaded(ShardAssignment assignment, Instant at) {
    assigned(assignment);
    reloadSuccessful.set(1);
    reloadSuccessSeconds.set(at.toEpochMilli() / 1000.0);
  }

  /** This instance probes {@code assignment}'s targets, after a config took effect or the live peers changed. */
  public void assigned(ShardAssignment assignment) {
    held.set(assignment.held().size());
    elsewhere.set(assignment.elsewhere());
    configTargets.set(assignment.total());
    if (assignment.ownership() instanceof Shard shard) {
      shardIndex.set(shard.index());
      shardCount.set(shard.count());
    }
  }

  /** The series of sharing the targets with live peers, registered only by an instance that does. */
  public MembershipMetrics membership() {
    return new MembershipMetrics(
        gauge(ProbeFamily.SHARD_PEERS).register(registry),
        ProbeFamily.MEMBERSHIP_CHANGES.describe(Counter.builder().withoutExemplars()).register(registry),
        ProbeFamily.REFRESH_FAILURES.describe(Counter.builder().withoutExemplars()).register(registry),
        gauge(ProbeFamily.REFRESH_SUCCESS_TIMESTAMP).register(registry));
  }

  /** A config was refused; the running one stays. */
  public void configRefused() {
    reloadSuccessful.set(0);
  }

  public void lateness(long nanos) {
    lateness.observe(Math.max(0, nanos) / 1e9);
  }

  /**
   * What {@code /metrics} exports: every family in the registry, each target's among them. In Prometheus text and
   * protobuf, where a target is dozens of points, {@link TargetFamiliesText} and {@link TargetFamiliesProtobuf} write
   * the targets' families after the client has written the others; in OpenMetrics the client writes them all, the
   * targets' from {@link TargetFamilies}' snapshots.
   */
  public Exposition exposition() {
    List<String> perTarget = targetFamilies.getPrometheusNames();
    Predicate<String> notPerTarget = name -> !perTarget.contains(name);
    return (format, out) -> {
      if (format instanceof PrometheusTextFormatWriter) {
        format.write(out, registry.scrape(notPerTarget));
        TargetFamiliesText.write(targetFamilies.values(), out);
      } else if (format instanceof PrometheusProtobufWriter) {
        format.write(out, registry.scrape(notPerTarget));
        TargetFamiliesProtobuf.write(targetFamilies.values(), out);
      } else {
        format.write(out, registry.scrape());
      }
    };
  }

  /** {@code target}'s series, exported until {@link TargetMeters#remove}. */
  public TargetMeters register(Target target) {
    return targetFamilies.add(target);
  }

  /**
   * One probe's result as blackbox_exporter answers {@code /probe}, in a registry of its own: the last probe's gauges
   * as {@code /metrics} has them, without the {@code target} label, which the scraper adds; and each phase's duration
   * as a gauge, since one probe has no distribution.
   */
  public static PrometheusRegistry oneOff(Target target, ProbeResult result) {
    PrometheusRegistry one = new PrometheusRegistry();
    set(one, ProbeFamily.SUCCESS, result.success() ? 1 : 0);
    set(one, ProbeFamily.DURATION, seconds(result.duration()));
    Duration resolve = result.phases().get(Phase.RESOLVE);
    set(one, ProbeFamily.DNS_LOOKUP, resolve == null ? 0 : seconds(resolve));
    set(one, ProbeFamily.IP_PROTOCOL, result.ipProtocol());
    if (target.expect() != null) {
      set(one, ProbeFamily.FAILED_DUE_TO_REGEX, result.result() == Result.BANNER_MISMATCH ? 1 : 0);
    }
    if (result.certExpiry() != null) {
      set(one, ProbeFamily.CERT_EXPIRY, result.certExpiry().getEpochSecond());
    }
    if (!result.phases().isEmpty()) {
      Gauge phases = gauge(ProbeFamily.LAST_PHASE_DURATION).labelNames("phase").register(one);
      result.phases().forEach((phase, d) -> phases.labelValues(phase.label()).set(seconds(d)));
    }
    return one;
  }

  private static void set(PrometheusRegistry registry, ProbeFamily family, double value) {
    gauge(family).register(registry).set(value);
  }

  public static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
