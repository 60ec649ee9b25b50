package dev.greetprobe.probe;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.List;

/** A running probe as Prometheus and an operator reach it: over HTTP on loopback. */
public final class ProbeHttp {

  private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // no h2c upgrade: plain HTTP/1.1, as Prometheus scrapes

  private ProbeHttp() {
  }

  public static HttpResponse<String> get(int port, String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(10)).build());
  }

  /** A GET that is answered later, for a test to check what else answers meanwhile. */
  public static CompletableFuture<HttpResponse<String>> getAsync(int port, String path) {
    return client.sendAsync(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<String> post(int port, String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
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

  /** The value of one series in Prometheus text, as in {@code probe_targets} or {@code probe_success{target="a"}}. */
  public static double sample(String metrics, String series) {
    return metrics.lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst()
        .orElse(Double.NaN);
  }

  /** How many probes of {@code target} succeeded; NaN when the target has no series. */
  public static double successes(String metrics, String target) {
    return sample(metrics, "probe_results_total{result=\"success\",target=\"" + target + "\"}");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
