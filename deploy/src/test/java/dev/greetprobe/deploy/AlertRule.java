package dev.greetprobe.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One alerting rule of {@code deploy/prometheus/rules.yaml}. */
record AlertRule(String group, String name, String expr, Map<String, String> annotations) {

  /** Where the runbook is published: {@link Project#OPERATIONS_DOC} on the main branch. */
  static final String RUNBOOK = "https://github.com/greetprobe/greetprobe/blob/main/docs/operations.md";

  static List<AlertRule> load() {
    List<AlertRule> alerts = new ArrayList<>();
    for (Object group : Yaml.list(Yaml.load(Project.RULES).get("groups"))) {
      Map<String, Object> g = Yaml.map(group);
      for (Object rule : Yaml.list(g.get("rules"))) {
        Map<String, Object> r = Yaml.map(rule);
        if (r.containsKey("alert")) {
          Map<String, String> annotations = new LinkedHashMap<>();
          Yaml.map(r.get("annotations")).forEach((k, v) -> annotations.put(k, String.valueOf(v)));
          alerts.add(new AlertRule(String.valueOf(g.get("name")), String.valueOf(r.get("alert")),
              String.valueOf(r.get("expr")), annotations));
        }
      }
    }
    return alerts;
  }

  /** The anchor of this alert's section of the runbook, whose heading is the alert's name. */
  String runbookAnchor() {
    return Markdown.slug(name);
  }
}
