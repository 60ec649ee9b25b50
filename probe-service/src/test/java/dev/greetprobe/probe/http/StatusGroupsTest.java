package dev.greetprobe.probe.http;

import static dev.greetprobe.probe.config.TestTargets.target;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.probe.http.StatusGroups.Group;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status page's groups: by one label's values, counted, the groups with a target down first. */
class StatusGroupsTest {

  private static final List<StatusView.Entry> ENTRIES = List.of(
      entry("api", "payments", Result.SUCCESS),
      entry("db", "payments", Result.CONNECT_REFUSED),
      entry("cache", "payments", null),
      entry("blob", "storage", Result.SUCCESS),
      entry("ldap", "identity", Result.READ_TIMEOUT),
      entry("mail", "billing", Result.SUCCESS));

  @Test
  void eachValueIsAGroupCountedUpDownAndPendingTheGroupsWithATargetDownFirst() {
    StatusGroups groups = StatusGroups.of("team", ENTRIES);

    assertThat(groups.grouped()).isTrue();
    assertThat(groups.problem()).isEmpty();
    assertThat(groups.groups()).containsExactly(
        new Group("identity", 0, 1, 0, 0),
        new Group("payments", 1, 1, 1, 1),
        new Group("billing", 1, 0, 0, 2),
        new Group("storage", 1, 0, 0, 3));
    assertThat(groups.groups().get(1).counts()).isEqualTo("1 down · 1 pending · 1 up");
  }

  @Test
  void rowsGoInTheirGroupsOrderAndEachGroupIsHeadedWhereItStartsOnThePage() {
    StatusGroups groups = StatusGroups.of("team", ENTRIES);
    List<StatusView.Entry> rows = new ArrayList<>(ENTRIES);
    rows.sort(groups.order().thenComparing(e -> e.target().name()));

    assertThat(rows).extracting(e -> e.target().name()).containsExactly("ldap", "api", "cache", "db", "mail", "blob");
    StatusGroups secondPage = groups.onPage(rows.subList(2, 5));
    assertThat(secondPage.header("cache")).as("a group carried over from the page before is headed again")
        .extracting(Group::value).isEqualTo("payments");
    assertThat(secondPage.header("db")).isNull();
    assertThat(secondPage.header("mail")).extracting(Group::value).isEqualTo("billing");
  }

  @Test
  void anUnknownLabelGroupsNothingAndSaysWhichLabelsThereAre() {
    StatusGroups groups = StatusGroups.of("zone", ENTRIES);

    assertThat(groups.grouped()).isFalse();
    assertThat(groups.problem()).isEqualTo("No target carries the label 'zone' to group by; their labels are env, team.");
    assertThat(StatusGroups.of("team", List.of(new StatusView.Entry(target("a.test:1").build(), null, null, null,
        null, List.of()))).problem()).isEqualTo("No target carries the label 'team' to group by; the targets carry no labels.");
  }

  @Test
  void withoutAGroupAskedForTheLabelsAreStillOfferedAndNothingIsSaid() {
    StatusGroups groups = StatusGroups.of("", ENTRIES);

    assertThat(groups.grouped()).isFalse();
    assertThat(groups.problem()).isEmpty();
    assertThat(groups.names()).containsExactly("env", "team");
  }

  /** A target of {@code team} whose last probe ended with {@code result}, or that has not been probed yet. */
  private static StatusView.Entry entry(String name, String team, Result result) {
    ProbeResult last = result == null ? null : new ProbeResult(result, result.label(), Map.of(), Duration.ofMillis(1),
        InetAddress.getLoopbackAddress(), null, null, Instant.now());
    return new StatusView.Entry(target("127.0.0.1:1").name(name).labels("team", team, "env", "prod").build(), last,
        null, null, null, List.of());
  }
}
