package dev.greetprobe.probe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The only place that touches the meter registry. Names follow blackbox_exporter's where the meaning is the same
 * ({@code probe_success}, {@code probe_duration_seconds}, {@code probe_dns_lookup_time_seconds},
 * {@code probe_ip_protocol}, {@code probe_ssl_earliest_cert_expiry}), so its dashboards and alerts keep working.
 * Every series of a target is registered when the target is, so none appears late or only after a failure; a
 * phase's histogram only for targets that go through the phase.
 */
public final class ProbeMetrics {

  /** Histogram buckets for phase durations: loopback connects take well under a millisecond, WAN DNS seconds. */
  static final Duration[] PHASE_BUCKETS = {
      Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final MeterRegistry registry;
  private final Timer lateness;
  private volatile int targets;
  private volatile int configTargets;
  private volatile int shardIndex;
  private volatile int shardCount = 1;
  private volatile int reloadSuccessful = 1;
  private volatile double reloadSuccessSeconds;

  public ProbeMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.lateness = Timer.builder("probe.schedule.lateness")
        .description("How late probes start against their schedule")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofSeconds(1))
        .register(registry);
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
    lateness.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  public TargetMeters register(Target target) {
    return new TargetMeters(target);
  }

  /** One target's series. */
  public final class TargetMeters {

    private final List<Meter> meters = new ArrayList<>();
    private final Map<Phase, Timer> phases = new EnumMap<>(Phase.class);
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
      // Only the phases the target goes through: a histogram that can never count is still 19 series in every
      // scrape, which Prometheus stores and the probe renders, for nothing.
      for (Phase phase : target.phases()) {
        Timer timer = Timer.builder("probe.phase.duration")
            .description("Duration of each phase of a probe")
            .tags(tags).tag("phase", phase.label())
            .serviceLevelObjectives(PHASE_BUCKETS)
            .register(registry);
        phases.put(phase, timer);
        meters.add(timer);
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
      result.phases().forEach((phase, d) -> phases.get(phase).record(d));
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
    }
  }

  static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
