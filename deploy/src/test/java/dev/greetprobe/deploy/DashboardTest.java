package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard as a file: importable anywhere without questions, its data source chosen by a variable, every
 * panel explained and in a unit, rates that follow the scrape interval; and the provisioning that loads it.
 */
class DashboardTest {

  private static final String DATASOURCE = "${datasource}";
  /** Grafana's own annotation source, present in every dashboard. */
  private static final String GRAFANA_BUILTIN = "-- Grafana --";
  /** Windows Grafana sizes from the scrape interval and the time range. */
  private static final Set<String> GRAFANA_WINDOWS = Set.of("$__rate_interval", "$__range");
  private static final Set<String> GRAFANA_BUILTIN_VARIABLES = Set.of("__rate_interval", "__range", "__interval");
  private static final Pattern RANGE = Pattern.compile("\\[([^\\]]*)]");

  private final Dashboard dashboard = Dashboard.load();

  @Test
  void importsWithoutInputs() {
    assertThat(dashboard.json().containsKey("__inputs")).as("__inputs").isFalse();
    assertThat(dashboard.json().encode()).as("import-time data source placeholders").doesNotContain("${DS_");
  }

  @Test
  void hasAFixedUidATitleAndTags() {
    assertThat(dashboard.json().getString("uid")).isEqualTo("greetprobe");
    assertThat(dashboard.json().getString("title")).isNotBlank();
    assertThat(dashboard.json().getJsonArray("tags", new JsonArray())).contains("greetprobe");
    assertThat(dashboard.json().getInteger("schemaVersion")).isGreaterThanOrEqualTo(39);
  }

  @Test
  void hasTheRowsOfTheIssue() {
    assertThat(dashboard.rows()).extracting(row -> row.getString("title"))
        .containsExactly("Probe overview", "Probe latency", "Greeter", "Runtime", "Config");
  }

  @Test
  void everyPanelHasAUnitAndADescription() {
    assertThat(dashboard.panels()).isNotEmpty().allSatisfy(panel -> {
      String title = panel.getString("title");
      assertThat(panel.getString("description")).as("description of panel '%s'", title).isNotBlank();
      JsonObject defaults = panel.getJsonObject("fieldConfig", new JsonObject()).getJsonObject("defaults",
          new JsonObject());
      assertThat(defaults.getString("unit")).as("unit of panel '%s'", title).isNotBlank();
    });
    assertThat(dashboard.rows())
        .allSatisfy(row -> assertThat(row.getString("description")).as(row.getString("title")).isNotBlank());
  }

  @Test
  void everyPanelQueriesTheDataSourceOfTheVariable() {
    JsonObject variable = dashboard.variable("datasource").orElseThrow();
    assertThat(variable.getString("type")).isEqualTo("datasource");
    assertThat(variable.getString("query")).isEqualTo("prometheus");

    for (JsonObject panel : dashboard.panels()) {
      String title = panel.getString("title");
      assertThat(panel.getJsonArray("targets", new JsonArray())).as("queries of panel '%s'", title).isNotEmpty();
      assertThat(dataSourceUid(panel)).as("data source of panel '%s'", title).isEqualTo(DATASOURCE);
      JsonArray targets = panel.getJsonArray("targets");
      for (int i = 0; i < targets.size(); i++) {
        assertThat(dataSourceUid(targets.getJsonObject(i))).as("data source of a query of '%s'", title)
            .isIn(DATASOURCE, null);
      }
    }
    for (JsonObject query : queryVariables()) {
      assertThat(dataSourceUid(query)).as("data source of variable $%s", query.getString("name"))
          .isEqualTo(DATASOURCE);
    }
  }

  @Test
  void jobInstanceAndTargetVariablesAreChained() {
    assertThat(queryVariables()).extracting(v -> v.getString("name"))
        .containsExactly("probe_job", "greeter_job", "instance", "target");
    assertThat(query("probe_job")).isEqualTo("label_values(probe_success, job)");
    assertThat(query("greeter_job")).isEqualTo("label_values(greeter_greetings_total, job)");
    assertThat(Dashboard.variablesIn(query("instance"))).containsExactlyInAnyOrder("probe_job", "greeter_job");
    assertThat(Dashboard.variablesIn(query("target"))).containsExactlyInAnyOrder("probe_job", "instance");
    for (JsonObject variable : queryVariables()) {
      String name = variable.getString("name");
      assertThat(Dashboard.LabelValues.parse(query(name))).as("$%s", name).isNotNull();
      assertThat(variable.getBoolean("includeAll")).as("$%s offers All", name).isTrue();
      assertThat(variable.getInteger("refresh")).as("$%s refreshes with the time range", name).isEqualTo(2);
    }
  }

  /** The labels a probe's config gives its targets are the user's to name: one ad hoc filter offers them all. */
  @Test
  void anyLabelOfTheTargetsFiltersThroughAnAdHocVariable() {
    JsonObject labels = dashboard.variable("labels").orElseThrow();

    assertThat(labels.getString("type")).isEqualTo("adhoc");
    assertThat(dataSourceUid(labels)).isEqualTo(DATASOURCE);
  }

  @Test
  void everyVariableAQueryUsesIsDefined() {
    Set<String> defined = new TreeSet<>(GRAFANA_BUILTIN_VARIABLES);
    dashboard.variables().forEach(v -> defined.add(v.getString("name")));
    List<String> texts = new ArrayList<>();
    dashboard.queries().forEach(q -> texts.add(q.expr()));
    queryVariables().forEach(v -> texts.add(Dashboard.variableQuery(v)));

    assertThat(texts).allSatisfy(text -> assertThat(defined).containsAll(Dashboard.variablesIn(text)));
  }

  @Test
  void everyRangeFollowsTheScrapeIntervalOrTheTimeRange() {
    assertThat(dashboard.queries()).isNotEmpty().allSatisfy(query -> {
      Matcher m = RANGE.matcher(query.expr());
      while (m.find()) {
        assertThat(m.group(1)).as("range of %s: %s", query, query.expr()).isIn(GRAFANA_WINDOWS);
      }
    });
  }

  @Test
  void theUpDownTimelineNamesItsValues() {
    JsonObject timeline = dashboard.panels().stream()
        .filter(p -> "state-timeline".equals(p.getString("type")))
        .findFirst().orElseThrow();
    JsonArray mappings = timeline.getJsonObject("fieldConfig").getJsonObject("defaults").getJsonArray("mappings");
    Map<String, String> texts = new java.util.HashMap<>();
    for (int i = 0; i < mappings.size(); i++) {
      JsonObject options = mappings.getJsonObject(i).getJsonObject("options", new JsonObject());
      options.forEach(e -> texts.put(e.getKey(), ((JsonObject) e.getValue()).getString("text")));
    }

    assertThat(dashboard.queries()).filteredOn(q -> q.panel().equals(timeline.getString("title")))
        .singleElement().satisfies(q -> assertThat(q.expr()).contains("probe_success"));
    assertThat(texts).containsEntry("0", "Down").containsEntry("1", "Up");
  }

  @Test
  void panelIdsAreUnique() {
    List<Integer> ids = dashboard.allPanels().stream().map(p -> p.getInteger("id")).toList();
    assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
  }

  @Test
  void theProvisionedDataSourceIsTheOneTheDashboardPicks() {
    Map<String, Object> source = onlyElement(Yaml.list(
        Yaml.load(Project.PROVISIONING.resolve("datasources/prometheus.yaml")).get("datasources")));
    String uid = String.valueOf(source.get("uid"));

    // The datasource variable starts on the default data source of its type.
    assertThat(source.get("type")).isEqualTo(dashboard.variable("datasource").orElseThrow().getString("query"));
    assertThat(source.get("isDefault")).isEqualTo(true);
    assertThat(uid).isNotBlank();
    assertThat(allDataSourceUids(dashboard.json(), new TreeSet<>()))
        .as("data sources the dashboard names").isSubsetOf(DATASOURCE, GRAFANA_BUILTIN, uid);
    assertThat(Project.read(Project.ROOT.resolve("grafana/README.md"))).contains("uid " + uid);
  }

  @Test
  void theProvisionedProviderLoadsTheDashboardsDirectory() {
    Map<String, Object> provider = onlyElement(Yaml.list(
        Yaml.load(Project.PROVISIONING.resolve("dashboards/greetprobe.yaml")).get("providers")));
    String path = String.valueOf(Yaml.map(provider.get("options")).get("path"));

    assertThat(provider.get("type")).isEqualTo("file");
    assertThat(path).endsWith("/dashboards");
    // The operations doc's commands mount grafana/dashboards where the provider looks.
    assertThat(Project.read(Project.OPERATIONS_DOC)).contains("grafana/dashboards:" + path);
  }

  private List<JsonObject> queryVariables() {
    return dashboard.variables().stream().filter(v -> "query".equals(v.getString("type"))).toList();
  }

  private String query(String variable) {
    return Dashboard.variableQuery(dashboard.variable(variable).orElseThrow());
  }

  private static String dataSourceUid(JsonObject holder) {
    Object datasource = holder.getValue("datasource");
    return datasource instanceof JsonObject ds ? ds.getString("uid") : (String) datasource;
  }

  /** The uid of every {@code datasource} object anywhere in the dashboard. */
  private static Set<String> allDataSourceUids(Object node, Set<String> into) {
    if (node instanceof JsonObject object) {
      object.forEach(e -> {
        if (e.getKey().equals("datasource") && e.getValue() instanceof JsonObject ds && ds.getString("uid") != null) {
          into.add(ds.getString("uid"));
        }
        allDataSourceUids(e.getValue(), into);
      });
    } else if (node instanceof JsonArray array) {
      array.forEach(element -> allDataSourceUids(element, into));
    }
    return into;
  }

  private static Map<String, Object> onlyElement(List<Object> list) {
    assertThat(list).hasSize(1);
    return Yaml.map(list.get(0));
  }
}
