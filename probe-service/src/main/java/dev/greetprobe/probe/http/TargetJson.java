package dev.greetprobe.probe.http;

import dev.greetprobe.common.Durations;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.metrics.ProbeMetrics;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.schedule.ResultHistory;
import dev.greetprobe.probe.schedule.StateChanges;
import dev.greetprobe.probe.schedule.UptimeRollup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;

/** A target, its last result and its history as {@code /targets} shows them. */
final class TargetJson {

  private TargetJson() {
  }

  /**
   * The most one target's JSON takes while it is made and copied out: its settings and last result (a send and an
   * expect of at most 4 KiB each, its labels, the excerpt of what it received, each escaped), and about a hundred bytes a result of
   * its history of {@code history}; twice, for the string and its bytes.
   */
  static long maxBytes(int history) {
    return 2 * (64 * 1024 + 128L * (history + StateChanges.KEPT));
  }

  static JsonObject of(Target target, ProbeResult last, ResultHistory.Snapshot history, StateChanges.Snapshot changes,
      UptimeRollup.Snapshot uptime) {
    JsonObject json = new JsonObject()
        .put("name", target.name())
        .put("address", target.address().toString())
        .put("interval", Durations.format(target.interval()))
        .put("timeout", Durations.format(target.timeout()))
        .put("ip_protocol", target.ipProtocol().label())
        .put("labels", new JsonObject(new LinkedHashMap<>(target.labels().values())));
    if (target.expect() != null) {
      json.put("expect", target.expect().pattern());
    }
    if (target.send() != null) {
      json.put("send", target.send());
    }
    if (target.tls() != null) {
      json.put("tls", new JsonObject()
          .put("server_name", target.tls().serverName())
          .put("ca_file", target.tls().caFile() == null ? null : target.tls().caFile().path().toString())
          .put("insecure_skip_verify", target.tls().insecureSkipVerify())
          .put("cert_file", target.tls().certFile() == null ? null : target.tls().certFile().path().toString()));
    }
    json.put("last", last == null ? null : result(last));
    JsonArray results = new JsonArray();
    for (int i = 0; i < history.size(); i++) {
      results.add(new JsonObject()
          .put("finished_at", history.finishedAt(i).toString())
          .put("result", history.result(i).label())
          .put("duration_seconds", ProbeMetrics.seconds(history.duration(i))));
    }
    json.put("history", results);
    json.put("state", state(changes));
    json.put("uptime", uptime(uptime));
    return json;
  }

  /** Up, down or pending, since when, and the last changes, the oldest first. */
  static JsonObject state(StateChanges.Snapshot changes) {
    JsonArray list = new JsonArray();
    changes.changes().forEach(change -> list.add(new JsonObject()
        .put("at", change.at().toString())
        .put("state", change.state())
        .put("result", change.to().label())));
    return new JsonObject()
        .put("state", changes.state())
        .put("since", changes.since().toString())
        .put("changes", list);
  }

  /** The share of successful probes over each window, null for a window with none yet, and since when it counts. */
  static JsonObject uptime(UptimeRollup.Snapshot uptime) {
    JsonObject json = new JsonObject().put("counting_since", uptime.countingSince().toString());
    for (UptimeRollup.Window window : UptimeRollup.Window.values()) {
      double ratio = uptime.of(window);
      json.put(window.label(), Double.isNaN(ratio) ? null : ratio);
    }
    return json;
  }

  static JsonObject result(ProbeResult r) {
    JsonObject phases = new JsonObject();
    r.phases().forEach((phase, d) -> phases.put(phase.label(), ProbeMetrics.seconds(d)));
    JsonObject json = new JsonObject()
        .put("result", r.result().label())
        .put("success", r.success())
        .put("detail", r.detail())
        .put("duration_seconds", ProbeMetrics.seconds(r.duration()))
        .put("phases_seconds", phases)
        .put("finished_at", r.finishedAt().toString());
    if (r.address() != null) {
      json.put("address", r.address().getHostAddress()).put("ip_protocol", r.ipProtocol());
    }
    if (r.received() != null) {
      json.put("received", r.received());
    }
    if (r.certExpiry() != null) {
      json.put("cert_expiry", r.certExpiry().toString());
    }
    return json;
  }
}
