package dev.greetprobe.deploy;

import dev.greetprobe.testkit.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The parts of Prometheus' HTTP API ({@code /api/v1}) that Grafana and the tests use. */
final class PrometheusApi {

  private final String base;

  PrometheusApi(String base) {
    this.base = base;
  }

  /**
   * An instant query at the current time: its samples, each with {@code metric} labels and a {@code value}, or a
   * {@code histogram} for a native histogram.
   */
  JsonArray query(String promql) throws IOException, InterruptedException {
    JsonObject data = data("/api/v1/query?query=" + encode(promql), promql);
    JsonArray result = data.getJsonArray("result");
    if ("scalar".equals(data.getString("resultType")) || "string".equals(data.getString("resultType"))) {
      return new JsonArray().add(new JsonObject().put("metric", new JsonObject()).put("value", result));
    }
    return result;
  }

  /**
   * The value of one sample of {@link #query}, which may be NaN or infinite; of a native histogram's sample, its count
   * (what a heatmap of it draws from).
   */
  static double value(JsonObject sample) {
    if (sample.containsKey("histogram")) {
      return Double.parseDouble(sample.getJsonArray("histogram").getJsonObject(1).getString("count"));
    }
    return Double.parseDouble(sample.getJsonArray("value").getString(1));
  }

  /** What Grafana's {@code label_values(selector, label)} lists. */
  List<String> labelValues(String selector, String label) throws IOException, InterruptedException {
    JsonArray values = body("/api/v1/label/" + label + "/values?match[]=" + encode(selector), selector)
        .getJsonArray("data");
    List<String> list = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      list.add(values.getString(i));
    }
    return list;
  }

  /** Active alerts, pending or firing. */
  JsonArray alerts() throws IOException, InterruptedException {
    return data("/api/v1/alerts", "alerts").getJsonArray("alerts");
  }

  /** Rule groups, each rule with its {@code health} and {@code lastError}. */
  JsonArray ruleGroups() throws IOException, InterruptedException {
    return data("/api/v1/rules", "rules").getJsonArray("groups");
  }

  private JsonObject data(String path, String what) throws IOException, InterruptedException {
    return body(path, what).getJsonObject("data");
  }

  private JsonObject body(String path, String what) throws IOException, InterruptedException {
    var response = Http.get(base + path);
    JsonObject body = new JsonObject(response.body());
    if (response.statusCode() != 200 || !"success".equals(body.getString("status"))) {
      throw new AssertionError("Prometheus refused " + what + ": " + response.body());
    }
    return body;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
