package dev.greetprobe.deploy;

import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The Prometheus Operator's custom resources, checked against their published CRD schemas
 * (monitoring.coreos.com/v1, prometheus-operator v0.8x): the required fields, the fields each object may have at the
 * levels these manifests use, and the formats of durations and label values. Metadata and label selectors are
 * Kubernetes' own types, read strictly by their models.
 */
final class OperatorResources {

  static final String API_VERSION = "monitoring.coreos.com/v1";
  static final Set<String> KINDS = Set.of("ServiceMonitor", "PrometheusRule");

  /** The CRDs' duration format (interval, scrapeTimeout, for, keep_firing_for). */
  private static final Pattern DURATION =
      Pattern.compile("^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$");

  private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
  private static final Set<String> SERVICE_MONITOR_SPEC = Set.of("attachMetadata", "bodySizeLimit",
      "convertClassicHistogramsToNHCB", "endpoints", "fallbackScrapeProtocol", "jobLabel", "keepDroppedTargets",
      "labelLimit", "labelNameLengthLimit", "labelValueLengthLimit", "namespaceSelector", "nativeHistogramBucketLimit",
      "nativeHistogramMinBucketFactor", "podTargetLabels", "sampleLimit", "scrapeClass", "scrapeClassicHistograms",
      "scrapeProtocols", "selector", "selectorMechanism", "targetLabels", "targetLimit");
  private static final Set<String> ENDPOINT = Set.of("authorization", "basicAuth", "bearerTokenFile",
      "bearerTokenSecret", "enableHttp2", "filterRunning", "followRedirects", "honorLabels", "honorTimestamps",
      "interval", "metricRelabelings", "noProxy", "oauth2", "params", "path", "port", "proxyConnectHeader",
      "proxyFromEnvironment", "proxyUrl", "relabelings", "scheme", "scrapeTimeout", "targetPort", "tlsConfig",
      "trackTimestampsStaleness");
  private static final Set<String> PROMETHEUS_RULE_SPEC = Set.of("groups");
  private static final Set<String> RULE_GROUP = Set.of("interval", "labels", "limit", "name",
      "partial_response_strategy", "query_offset", "rules");
  private static final Set<String> RULE = Set.of("alert", "annotations", "expr", "for", "keep_firing_for", "labels",
      "record");

  private OperatorResources() {
  }

  static boolean isOperatorResource(Map<String, Object> object) {
    return API_VERSION.equals(object.get("apiVersion")) && KINDS.contains(String.valueOf(object.get("kind")));
  }

  /** What is wrong with {@code object} by its CRD's schema; empty when nothing is. */
  static List<String> problems(Map<String, Object> object) {
    Checker check = new Checker(KubernetesModels.describe(object));
    check.onlyKnown("", object, TOP);
    check.model("metadata", object.get("metadata"), V1ObjectMeta::fromJson);
    if (!(object.get("spec") instanceof Map<?, ?>)) {
      check.problem("spec: is required");
      return check.problems;
    }
    Map<String, Object> spec = Yaml.map(object.get("spec"));
    switch (String.valueOf(object.get("kind"))) {
      case "ServiceMonitor" -> serviceMonitor(check, spec);
      case "PrometheusRule" -> prometheusRule(check, spec);
      default -> check.problem("is not a kind this project uses (" + KINDS + ")");
    }
    return check.problems;
  }

  private static void serviceMonitor(Checker check, Map<String, Object> spec) {
    check.onlyKnown("spec.", spec, SERVICE_MONITOR_SPEC);
    if (!spec.containsKey("selector")) {
      check.problem("spec.selector: is required");
    } else {
      check.model("spec.selector", spec.get("selector"), V1LabelSelector::fromJson);
    }
    if (!(spec.get("endpoints") instanceof List<?> endpoints) || endpoints.isEmpty()) {
      check.problem("spec.endpoints: is required (a list of at least one endpoint)");
      return;
    }
    for (int i = 0; i < endpoints.size(); i++) {
      String at = "spec.endpoints[" + i + "].";
      Map<String, Object> endpoint = Yaml.map(endpoints.get(i));
      check.onlyKnown(at, endpoint, ENDPOINT);
      if (!(endpoint.get("port") instanceof String) && !endpoint.containsKey("targetPort")) {
        check.problem(at + "port: is required (the name of a Service port), or targetPort");
      }
      check.duration(at + "interval", endpoint.get("interval"));
      check.duration(at + "scrapeTimeout", endpoint.get("scrapeTimeout"));
      if (endpoint.containsKey("path") && !String.valueOf(endpoint.get("path")).startsWith("/")) {
        check.problem(at + "path: '" + endpoint.get("path") + "' does not start with /");
      }
    }
  }

  private static void prometheusRule(Checker check, Map<String, Object> spec) {
    check.onlyKnown("spec.", spec, PROMETHEUS_RULE_SPEC);
    Set<String> names = new HashSet<>();
    List<Object> groups = Yaml.list(spec.get("groups"));
    for (int g = 0; g < groups.size(); g++) {
      String at = "spec.groups[" + g + "].";
      Map<String, Object> group = Yaml.map(groups.get(g));
      check.onlyKnown(at, group, RULE_GROUP);
      if (!(group.get("name") instanceof String name) || name.isEmpty()) {
        check.problem(at + "name: is required");
      } else if (!names.add(name)) {
        check.problem(at + "name: '" + name + "' names another group too");
      }
      check.duration(at + "interval", group.get("interval"));
      List<Object> rules = Yaml.list(group.get("rules"));
      for (int r = 0; r < rules.size(); r++) {
        String ruleAt = at + "rules[" + r + "].";
        Map<String, Object> rule = Yaml.map(rules.get(r));
        check.onlyKnown(ruleAt, rule, RULE);
        if (!rule.containsKey("expr")) {
          check.problem(ruleAt + "expr: is required");
        }
        if (rule.containsKey("alert") == rule.containsKey("record")) {
          check.problem(ruleAt + "exactly one of alert and record must be set");
        }
        check.duration(ruleAt + "for", rule.get("for"));
        check.duration(ruleAt + "keep_firing_for", rule.get("keep_firing_for"));
        check.strings(ruleAt + "labels", rule.get("labels"));
        check.strings(ruleAt + "annotations", rule.get("annotations"));
      }
    }
  }

  private static final class Checker {

    @FunctionalInterface
    interface Reader {
      Object read(String json) throws IOException;
    }

    private final String object;
    private final List<String> problems = new ArrayList<>();

    Checker(String object) {
      this.object = object;
    }

    void problem(String text) {
      problems.add(object + ": " + text);
    }

    void onlyKnown(String at, Map<String, Object> node, Set<String> known) {
      Set<String> unknown = new TreeSet<>(node.keySet());
      unknown.removeAll(known);
      for (String field : unknown) {
        problem(at + field + ": is not a field of the schema");
      }
    }

    void model(String at, Object node, Reader reader) {
      try {
        reader.read(KubernetesModels.json(Yaml.map(node)));
      } catch (IOException | RuntimeException e) {
        problem(at + ": " + KubernetesModels.withoutJson(e.getMessage()));
      }
    }

    void duration(String at, Object value) {
      if (value != null && !(value instanceof String text && DURATION.matcher(text).matches())) {
        problem(at + ": '" + value + "' is not a duration such as 30s or 5m");
      }
    }

    void strings(String at, Object map) {
      Yaml.map(map).forEach((key, value) -> {
        if (!(value instanceof String)) {
          problem(at + "." + key + ": " + value + " is not a string");
        }
      });
    }
  }
}
