package dev.greetprobe.probe;

import dev.greetprobe.testkit.Http;
import dev.greetprobe.testkit.PrometheusText;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A running probe as Prometheus and an operator reach it: over HTTP on loopback. */
public final class ProbeHttp {

  /** A reload reads, resolves and diffs the whole config, and a request held for a worker waits: longer than a page. */
  private static final Duration LONG = Duration.ofSeconds(30);

  private ProbeHttp() {
  }

  public static HttpResponse<String> get(int port, String path) throws Exception {
    return Http.get(Http.loopback(port, path));
  }

  /** A GET that is answered later, for a test to check what else answers meanwhile. */
  public static CompletableFuture<HttpResponse<String>> getAsync(int port, String path) {
    return Http.getAsync(Http.loopback(port, path), LONG);
  }

  public static HttpResponse<String> post(int port, String path) throws Exception {
    return Http.post(Http.loopback(port, path), LONG);
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
