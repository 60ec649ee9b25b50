package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The alert rules of {@code deploy/prometheus/rules.yaml}: valid, unit-tested, documented. */
class RulesTest {

  private static final Path DIR = Project.RULES.getParent();
  private static final Duration PROMTOOL_TIMEOUT = Duration.ofSeconds(60);
  /** What comes between the repository and a file's path in a GitHub link to the main branch. */
  private static final String PUBLISHED = "github.com/greetprobe/greetprobe/blob/main/";

  private final List<AlertRule> alerts = AlertRule.load();

  @Test
  void promtoolAcceptsTheRules() {
    ChildProcess.Exit check = ChildProcess.run(Command.of(Tools.require("promtool"), "check", "rules",
        Project.RULES.getFileName()).in(DIR), PROMTOOL_TIMEOUT);

    assertThat(check.code()).as(check.toString()).isZero();
    assertThat(check.text()).as(check.toString()).contains("SUCCESS: " + alerts.size() + " rules found");
  }

  @Test
  void everyUnitTestOfTheRulesPasses() {
    ChildProcess.Exit test = ChildProcess.run(Command.of(Tools.require("promtool"), "test", "rules",
        Project.RULES_TEST.getFileName()).in(DIR), PROMTOOL_TIMEOUT);

    assertThat(test.code()).as(test.toString()).isZero();
    assertThat(test.text()).as(test.toString()).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  void theLocalPrometheusConfigIsValidAndLoadsTheRules() {
    ChildProcess.Exit check = ChildProcess.run(Command.of(Tools.require("promtool"), "check", "config",
        "prometheus.yml").in(DIR), PROMTOOL_TIMEOUT);

    assertThat(check.code()).as(check.toString()).isZero();
    assertThat(check.text()).as(check.toString()).contains("SUCCESS: " + alerts.size() + " rules found");
  }

  @Test
  void thereIsAnAlertForEachConditionOperatorsArePagedFor() {
    assertThat(alerts).extracting(AlertRule::name).containsExactlyInAnyOrder(
        "ProbeTargetDown", "ProbeSuccessRatioLow", "ProbeConnectLatencyHigh", "ProbeDnsFailures",
        "ProbeConfigReloadFailed", "ProbeMembershipStale", "ProbeAbsent", "GreeterDown", "GreeterRejectingConnections", "GreeterAbsent");
  }

  @Test
  void everyAlertHasASummaryADescriptionAndARunbookLink() {
    for (AlertRule alert : alerts) {
      assertThat(alert.annotations()).as(alert.name())
          .hasEntrySatisfying("summary", v -> assertThat(v).isNotBlank())
          .hasEntrySatisfying("description", v -> assertThat(v).isNotBlank())
          .hasEntrySatisfying("runbook_url",
              v -> assertThat(v).isEqualTo(AlertRule.RUNBOOK + "#" + alert.runbookAnchor()));
    }
  }

  @Test
  void theRunbookIsPublishedFromItsDocInTheRepository() {
    String inRepository = AlertRule.RUNBOOK.substring(AlertRule.RUNBOOK.indexOf(PUBLISHED) + PUBLISHED.length());

    assertThat(Project.ROOT.resolve(inRepository)).isEqualTo(Project.OPERATIONS_DOC).isRegularFile();
  }

  @Test
  void everyRunbookLinkLeadsToTheAlertsOneSectionOfTheRunbook() {
    Markdown runbook = Markdown.read(Project.OPERATIONS_DOC);
    for (AlertRule alert : alerts) {
      Markdown.Heading section = new Markdown.Heading(2, alert.name());
      String url = alert.annotations().get("runbook_url");

      assertThat(runbook.headings()).as("headings of docs/operations.md named " + alert.name())
          .filteredOn(h -> h.text().equals(alert.name())).containsExactly(section);
      assertThat(url.substring(url.indexOf('#') + 1)).as("anchor of " + alert.name() + "'s runbook_url")
          .isEqualTo(runbook.anchors().get(runbook.headings().indexOf(section)));
    }
  }

  @Test
  void everyAlertIsUnitTestedBothFiringAndSilent() {
    Set<String> firing = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (Object test : Yaml.list(Yaml.load(Project.RULES_TEST).get("tests"))) {
      for (Object check : Yaml.list(Yaml.map(test).get("alert_rule_test"))) {
        Map<String, Object> c = Yaml.map(check);
        String alert = String.valueOf(c.get("alertname"));
        (Yaml.list(c.get("exp_alerts")).isEmpty() ? silent : firing).add(alert);
      }
    }
    Set<String> names = alerts.stream().map(AlertRule::name).collect(Collectors.toCollection(TreeSet::new));

    assertThat(firing).as("alerts with a test where they fire").isEqualTo(names);
    assertThat(silent).as("alerts with a test where they stay silent").isEqualTo(names);
  }

  @Test
  void theUnitTestsLoadTheRulesFileItself() {
    assertThat(Yaml.list(Yaml.load(Project.RULES_TEST).get("rule_files")))
        .containsExactly(Project.RULES.getFileName().toString());
  }
}
