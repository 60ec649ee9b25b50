package dev.greetprobe.probe;

import dev.greetprobe.common.Histograms;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The only place that touches the meter registry. Names follow blackbox_exporter's where the meaning is the same
 * ({@code probe_success}, {@code probe_duration_seconds}, {@code probe_dns_lookup_time_seconds},
 * {@code probe_ip_protocol}, {@code probe_ssl_earliest_cert_expiry}), so its dashboards and alerts keep working.
 * Every series of a target is registered when the target is, so none appears late or only after a failure; a
 * phase's histogram only for targets that go through the phase. The histograms are the Prometheus client's, in the
 * registry Micrometer scrapes, so that they can be native ({@code metrics.histograms}).
 */
public final class ProbeMetrics {

  /** Classic bucket bounds for phase durations, in seconds: loopback connects take well under a millisecond, WAN DNS
   * seconds. */
  static final double[] PHASE_BUCKETS = {
      0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /** Classic bucket bounds for schedule lateness, in seconds, around the 50 ms a probe may start late. */
  static final double[] LATENESS_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};

  private final MeterRegistry registry;
  private final Histogram lateness;
  private final Histogram phaseDurations;
  private volatile int targets;
  private volatile int configTargets;
  private volatile int shardIndex;
  private volatile int shardCount = 1;
  private volatile int reloadSuccessful = 1;
  private volatile double reloadSuccessSeconds;

  public ProbeMetrics(PrometheusMeterRegistry registry, Histograms histograms) {
    this.registry = registry;
    this.lateness = histograms.builder(LATENESS_BUCKETS)
        .name("probe_schedule_lateness_seconds")
        .help("How late probes start against their schedule")
        .unit(Unit.SECONDS)
        .register(registry.getPrometheusRegistry());
    this.phaseDurations = histograms.builder(PHASE_BUCKETS)
        .name("probe_phase_duration_seconds")
        .help("Duration of each phase of a probe")
        .unit(Unit.SECONDS)
        .labelNames("target", "phase")
        .register(registry.getPrometheusRegistry());
    Gauge.builder("probe.targets", this, m -> m.targets)
        .description("Targets this instance probes (its shard of the config)")
        .register(registry);
    Gauge.builder("probe.config.targets", this, m -> m.configTargets)
        .description("Targets in the config, over all shards")
        .register(registry);
    Gauge.builder("probe.shard.index", this, m -> m.shardIndex)
        .description("This instance's shard, 0 to probe_shards - 1")
        .register(registry);
    Gauge.builder("probe.shards", this, m -> m.shardCount)
        .description("How many shards share the config's targets")
        .register(registry);
    Gauge.builder("probe.config.last.reload.successful", this, m -> m.reloadSuccessful)
        .description("Whether the last config load succeeded (1) or was refused (0)")
        .register(registry);
    Gauge.builder("probe.config.last.reload.success.timestamp", this, m -> m.reloadSuccessSeconds)
        .baseUnit("seconds")
        .description("When the running config was loaded, in Unix seconds")
        .register(registry);
  }

  /** Exports which transport the probe connects over, as {@code probe_transport_info{transport}} = 1. */
  public void transport(Transport transport) {
    Gauge.builder("probe.transport.info", () -> 1.0)
        .description("The transport probes connect over (the transport label); always 1")
        .tag("transport", transport.label())
        .register(registry);
  }

  /** A config took effect; this instance probes its shard's part of it. */
  public void configLoaded(ShardAssignment assignment, Instant at) {
    targets = assignment.held().size();
    configTargets = assignment.total();
    shardIndex = assignment.shard().index();
    shardCount = assignment.shard().count();
    reloadSuccessful = 1;
    reloadSuccessSeconds = at.toEpochMilli() / 1000.0;
  }

  /** A config was refused; the running one stays. */
  public void configRefused() {
    reloadSuccessful = 0;
  }

  void lateness(long nanos) {
    lateness.observe(Math.max(0, nanos) / 1e9);
  }

  public TargetMeters register(Target target) {
    return new TargetMeters(target);
  }

  /** One target's series. */
  public final class TargetMeters {

    private final String name;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<Phase, DistributionDataPoint> phases = new EnumMap<>(Phase.class);
    private final Map<Result, Counter> results = new EnumMap<>(Result.class);
    private final Counter skipped;
    // NaN until the target's first probe ends: a target not probed yet is not a failed one, and alerts on
    // probe_success == 0 or a dashboard's red must not see every restart as an outage.
    private volatile double success = Double.NaN;
    private volatile double duration = Double.NaN;
    private volatile double dnsLookup = Double.NaN;
    private volatile double ipProtocol = Double.NaN;
    private volatile double certExpiry = Double.NaN;

    private TargetMeters(Target target) {
      name = target.name();
      Tags tags = Tags.of("target", target.name());
      meters.add(Gauge.builder("probe.success", this, m -> m.success)
          .description("Whether the last probe succeeded").tags(tags).register(registry));
      meters.add(Gauge.builder("probe.duration", this, m -> m.duration).baseUnit("seconds")
          .description("How long the last probe took").tags(tags).register(registry));
      meters.add(Gauge.builder("probe.dns.lookup.time", this, m -> m.dnsLookup).baseUnit("seconds")
          .description("How long the last probe's DNS lookup took").tags(tags).register(registry));
      meters.add(Gauge.builder("probe.ip.protocol", this, m -> m.ipProtocol)
          .description("IP protocol of the last probe's address: 4, 6, or 0 when unresolved").tags(tags)
          .register(registry));
      if (target.tls() != null) {
        meters.add(Gauge.builder("probe.ssl.earliest.cert.expiry", this, m -> m.certExpiry)
            .description("Earliest expiry of the peer's certificates, in Unix seconds").tags(tags)
            .register(registry));
      }
      // Only the phases the target goes through: a classic histogram that can never count is still 18 series in
      // every scrape, which Prometheus stores and the probe renders, for nothing.
      for (Phase phase : target.phases()) {
        phases.put(phase, phaseDurations.labelValues(name, phase.label()));
      }
      for (Result result : Result.values()) {
        Counter counter = Counter.builder("probe.results")
            .description("Probes by result: success or the reason for failing")
            .tags(tags).tag("result", result.label())
            .register(registry);
        results.put(result, counter);
        meters.add(counter);
      }
      skipped = Counter.builder("probe.skipped")
          .description("Scheduled probes skipped because the previous one was still running")
          .tags(tags).register(registry);
      meters.add(skipped);
    }

    public void record(ProbeResult result) {
      result.phases().forEach((phase, d) -> phases.get(phase).observe(seconds(d)));
      results.get(result.result()).increment();
      success = result.success() ? 1 : 0;
      duration = seconds(result.duration());
      Duration resolve = result.phases().get(Phase.RESOLVE);
      dnsLookup = resolve == null ? 0 : seconds(resolve);
      ipProtocol = result.ipProtocol();
      if (result.certExpiry() != null) {
        certExpiry = result.certExpiry().getEpochSecond();
      }
    }

    public void skipped() {
      skipped.increment();
    }

    /** Takes the target's series out of {@code /metrics}. */
    public void remove() {
      meters.forEach(registry::remove);
      phases.keySet().forEach(phase -> phaseDurations.remove(name, phase.label()));
    }
  }

  /**
   * One probe's result as blackbox_exporter prints it for {@code /probe}, in a registry of its own: the last probe's
   * gauges under the names {@code /metrics} uses, and each phase's duration as a gauge, since one probe has no
   * distribution.
   */
  static String oneOff(Target target, ProbeResult result) {
    PrometheusMeterRegistry one = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    gauge(one, "probe.success", "Whether the probe succeeded", result.success() ? 1 : 0, null);
    gauge(one, "probe.duration", "How long the probe took", seconds(result.duration()), "seconds");
    Duration resolve = result.phases().get(Phase.RESOLVE);
    gauge(one, "probe.dns.lookup.time", "How long the DNS lookup took", resolve == null ? 0 : seconds(resolve),
        "seconds");
    gauge(one, "probe.ip.protocol", "IP protocol of the address probed: 4, 6, or 0 when unresolved",
        result.ipProtocol(), null);
    if (target.expect() != null) {
      gauge(one, "probe.failed.due.to.regex", "Whether the received text failed to match expect",
          result.result() == Result.BANNER_MISMATCH ? 1 : 0, null);
    }
    if (result.certExpiry() != null) {
      gauge(one, "probe.ssl.earliest.cert.expiry", "Earliest expiry of the peer's certificates, in Unix seconds",
          result.certExpiry().getEpochSecond(), null);
    }
    result.phases().forEach((phase, d) -> Gauge.builder("probe.phase.duration", () -> seconds(d))
        .description("Duration of each phase of the probe").baseUnit("seconds").tag("phase", phase.label())
        .register(one));
    return one.scrape();
  }

  private static void gauge(MeterRegistry registry, String name, String help, double value, String unit) {
    Gauge.builder(name, () -> value).description(help).baseUnit(unit).register(registry);
  }

  static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
