package dev.greetprobe.probe.metrics;

import io.prometheus.metrics.core.metrics.MetricWithFixedMetadata;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Every metric family the probe exports, by name, help and unit, stated once: the scheduled probes' series in
 * {@code /metrics} and a one-off probe's answer on {@code /probe} are both described from here, so a family that a
 * scraper sees in both reads the same in both.
 */
enum ProbeFamily {
  SUCCESS("probe_success", "Whether the last probe succeeded", null),
  DURATION("probe_duration_seconds", "How long the last probe took", Unit.SECONDS),
  DNS_LOOKUP("probe_dns_lookup_time_seconds", "How long the last probe's DNS lookup took", Unit.SECONDS),
  IP_PROTOCOL("probe_ip_protocol", "IP protocol of the last probe's address: 4, 6, or 0 when unresolved", null),
  CERT_EXPIRY("probe_ssl_earliest_cert_expiry", "Earliest expiry of the peer's certificates, in Unix seconds", null),
  /** A histogram of every probe's phases, on {@code /metrics}. */
  PHASE_DURATION("probe_phase_duration_seconds", "Duration of each phase of a probe", Unit.SECONDS),
  /**
   * One probe's phases, on {@code /probe}: a gauge, as blackbox_exporter's per-phase durations are, under a name of
   * its own, since a family keeps one type wherever a Prometheus meets it.
   */
  LAST_PHASE_DURATION("probe_tcp_duration_seconds", "Duration of each phase of the last probe", Unit.SECONDS),
  FAILED_DUE_TO_REGEX("probe_failed_due_to_regex", "Whether the received text failed to match expect", null),
  RESULTS("probe_results", "Probes by result: success or the reason for failing", null),
  SKIPPED("probe_skipped", "Scheduled probes skipped because the previous one was still running", null),
  LATENESS("probe_schedule_lateness_seconds", "How late probes start against their schedule", Unit.SECONDS),
  TARGETS("probe_targets",
      "Targets of the config, by whether this instance probes them (held) or other instances do (elsewhere)", null),
  CONFIG_TARGETS("probe_config_targets", "Targets in the config, over all shards", null),
  SHARD_INDEX("probe_shard_index", "This instance's shard, 0 to probe_shards - 1", null),
  SHARDS("probe_shards", "How many shards share the config's targets", null),
  SHARD_PEERS("probe_shard_peers", "Live peers sharing the targets, this instance among them", null),
  MEMBERSHIP_CHANGES("probe_shard_membership_changes", "How many times the live peers changed", null),
  REFRESH_FAILURES("probe_shard_refresh_failures",
      "Lookups of the peers that failed or listed none, each keeping the peers before it", null),
  REFRESH_SUCCESS_TIMESTAMP("probe_shard_last_refresh_success_timestamp_seconds",
      "When a lookup of the peers last succeeded, in Unix seconds", Unit.SECONDS),
  RELOAD_SUCCESSFUL("probe_config_last_reload_successful",
      "Whether the last config load succeeded (1) or was refused (0)", null),
  RELOAD_SUCCESS_TIMESTAMP("probe_config_last_reload_success_timestamp_seconds",
      "When the running config was loaded, in Unix seconds", Unit.SECONDS),
  TRANSPORT("probe_transport", "The transport probes connect over (the transport label); always 1", null);

  private final String name;
  private final String help;
  private final Unit unit;

  ProbeFamily(String name, String help, Unit unit) {
    this.name = name;
    this.help = help;
    this.unit = unit;
  }

  /** {@code builder}, which gives the family its type, with the family's name, help and unit. */
  <B extends MetricWithFixedMetadata.Builder<B, ?>> B describe(B builder) {
    return builder.name(name).help(help).unit(unit);
  }

  /** The family's name, help and unit, for a snapshot built by the probe's own collector ({@link TargetFamilies}). */
  MetricMetadata metadata() {
    return new MetricMetadata(name, help, unit);
  }
}
