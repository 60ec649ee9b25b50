package dev.greetprobe.probe.http;

import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.config.TargetFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What a {@code /probe} request may say of its target: four query parameters, as blackbox_exporter names them where it
 * has them, and the scrape timeout Prometheus sends in a header.
 */
public final class ProbeRequest {

  /** How long Prometheus waits for the scrape, in seconds, as it tells the target it scrapes. */
  public static final String SCRAPE_TIMEOUT_HEADER = "X-Prometheus-Scrape-Timeout-Seconds";

  /** The target field each query parameter sets; a request sets no other. */
  private static final Map<String, String> PARAMETERS =
      Map.of("target", "address", "expect", "expect", "tls", "tls", "timeout", "timeout");

  /** How a refusal names each field: the parameter or header it came from. */
  private static final Map<String, String> NAMES = Map.of("address", "target", "expect", "expect", "tls", "tls",
      "timeout", "timeout", "scrape_timeout", SCRAPE_TIMEOUT_HEADER);

  private ProbeRequest() {
  }

  /**
   * The target a request names: {@code parameter} and {@code header} give a query parameter's and a header's value, or
   * null when absent. Throws {@link IllegalArgumentException} with a message naming the parameter or header.
   */
  public static Target target(Function<String, String> parameter, Function<String, String> header,
      boolean allowExpect) {
    Map<String, String> values = new LinkedHashMap<>();
    PARAMETERS.forEach((name, field) -> {
      String value = parameter.apply(name);
      if (value != null) {
        values.put(field, value);
      }
    });
    String scrapeTimeout = header.apply(SCRAPE_TIMEOUT_HEADER);
    if (scrapeTimeout != null) {
      values.put("scrape_timeout", scrapeTimeout);
    }
    return TargetFactory.fromRequest(values, NAMES, allowExpect);
  }
}
