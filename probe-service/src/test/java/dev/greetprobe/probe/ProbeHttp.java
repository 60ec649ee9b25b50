package dev.greetprobe.probe;

import dev.greetprobe.testkit.Http;
import dev.greetprobe.testkit.PrometheusText;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** A running probe as Prometheus and an operator reach it: over HTTP on loopback. */
public final class ProbeHttp {

  /** A reload reads, resolves and diffs the whole config: it may take longer than a page. */
  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(30);

  private ProbeHttp() {
  }

  public static HttpResponse<String> get(int port, String path) throws Exception {
    return Http.get(Http.loopback(port, path));
  }

  public static HttpResponse<String> post(int port, String path) throws Exception {
    return Http.post(Http.loopback(port, path), RELOAD_TIMEOUT);
  }

  public static String metrics(int port) throws Exception {
    return get(port, "/metrics").body();
  }

  public static JsonObject targets(int port) throws Exception {
    return new JsonObject(get(port, "/targets").body());
  }

  public static List<String> targetNames(JsonObject targets) {
    return targets.getJsonArray("targets").stream().map(t -> ((JsonObject) t).getString("name")).toList();
  }

  /** How many probes of {@code target} succeeded; NaN when the target has no series. */
  public static double successes(String metrics, String target) {
    return PrometheusText.parse(metrics).value("probe_results_total{result=\"success\",target=\"" + target + "\"}");
  }
}
