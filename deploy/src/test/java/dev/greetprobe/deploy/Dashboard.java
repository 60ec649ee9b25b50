package dev.greetprobe.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code grafana/dashboards/greetprobe.json} and the PromQL in it. */
record Dashboard(JsonObject json) {

  /** A panel's query. */
  record Query(String panel, String refId, String expr) {

    @Override
    public String toString() {
      return "panel '" + panel + "' query " + refId;
    }
  }

  /** {@code $name}, {@code ${name}}, {@code ${name:format}} and {@code [[name]]}: Grafana's variable syntaxes. */
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");

  /** {@code label_values(selector, label)}, the variable query of Grafana's Prometheus data source. */
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\s*\\)");

  static Dashboard load() {
    return new Dashboard(new JsonObject(Project.read(Project.DASHBOARD)));
  }

  /** Every panel, rows included, panels inside collapsed rows included, in order. */
  List<JsonObject> allPanels() {
    List<JsonObject> panels = new ArrayList<>();
    collect(json.getJsonArray("panels", new JsonArray()), panels);
    return panels;
  }

  private static void collect(JsonArray array, List<JsonObject> into) {
    for (int i = 0; i < array.size(); i++) {
      JsonObject panel = array.getJsonObject(i);
      into.add(panel);
      collect(panel.getJsonArray("panels", new JsonArray()), into);
    }
  }

  List<JsonObject> rows() {
    return allPanels().stream().filter(Dashboard::isRow).toList();
  }

  /** The panels that show data: every panel but the rows. */
  List<JsonObject> panels() {
    return allPanels().stream().filter(p -> !isRow(p)).toList();
  }

  static boolean isRow(JsonObject panel) {
    return "row".equals(panel.getString("type"));
  }

  List<Query> queries() {
    List<Query> queries = new ArrayList<>();
    for (JsonObject panel : panels()) {
      JsonArray targets = panel.getJsonArray("targets", new JsonArray());
      for (int i = 0; i < targets.size(); i++) {
        JsonObject target = targets.getJsonObject(i);
        queries.add(new Query(panel.getString("title"), target.getString("refId"), target.getString("expr")));
      }
    }
    return queries;
  }

  List<JsonObject> variables() {
    JsonArray list = json.getJsonObject("templating", new JsonObject()).getJsonArray("list", new JsonArray());
    List<JsonObject> variables = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      variables.add(list.getJsonObject(i));
    }
    return variables;
  }

  Optional<JsonObject> variable(String name) {
    return variables().stream().filter(v -> name.equals(v.getString("name"))).findFirst();
  }

  /** A query variable's PromQL-side text: {@code label_values(...)}, whether stored as a string or an object. */
  static String variableQuery(JsonObject variable) {
    Object query = variable.getValue("query");
    return query instanceof JsonObject object ? object.getString("query") : String.valueOf(query);
  }

  /** A {@code label_values(selector, label)} query split into its selector and label. */
  record LabelValues(String selector, String label) {

    static LabelValues parse(String query) {
      Matcher m = LABEL_VALUES.matcher(query.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException("not a label_values(selector, label) query: " + query);
      }
      return new LabelValues(m.group(1).strip(), m.group(2));
    }
  }

  /** Names of the variables {@code text} refers to. */
  static List<String> variablesIn(String text) {
    List<String> names = new ArrayList<>();
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      names.add(name(m));
    }
    return names;
  }

  /** {@code text} with every variable replaced by {@code values}; an unknown variable is an error. */
  static String substitute(String text, Map<String, String> values) {
    return substitute(text, name -> {
      String value = values.get(name);
      if (value == null) {
        throw new IllegalArgumentException("no value for variable $" + name + " in " + text);
      }
      return value;
    });
  }

  private static String substitute(String text, Function<String, String> values) {
    return VARIABLE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(values.apply(name(m))));
  }

  private static String name(MatchResult m) {
    for (int group = 1; group <= 3; group++) {
      if (m.group(group) != null) {
        return m.group(group);
      }
    }
    throw new IllegalStateException();
  }
}
