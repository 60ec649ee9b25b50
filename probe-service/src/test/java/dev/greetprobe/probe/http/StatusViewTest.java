package dev.greetprobe.probe.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greetprobe.probe.config.TestTargets;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import dev.greetprobe.probe.schedule.ResultHistory;
import dev.greetprobe.probe.schedule.StateChanges;
import dev.greetprobe.probe.schedule.UptimeRollup;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How the page writes times and durations, and which layout it draws its rows in. */
class StatusViewTest {

  @Test
  void durationsReadInMillisecondsToThreeFiguresAndInSecondsFromTen() {
    assertThat(StatusView.millis(Duration.ZERO)).isEqualTo("0.00 ms");
    assertThat(StatusView.millis(Duration.ofNanos(420_000))).isEqualTo("0.42 ms");
    assertThat(StatusView.millis(Duration.ofNanos(1_005_000))).isEqualTo("1.01 ms");
    assertThat(StatusView.millis(Duration.ofNanos(9_999_000))).isEqualTo("10.00 ms");
    assertThat(StatusView.millis(Duration.ofNanos(12_340_000))).isEqualTo("12.3 ms");
    assertThat(StatusView.millis(Duration.ofNanos(123_400_000))).isEqualTo("123 ms");
    assertThat(StatusView.millis(Duration.ofMillis(9_999))).isEqualTo("9999 ms");
    assertThat(StatusView.millis(Duration.ofMillis(12_345))).isEqualTo("12.3 s");
  }

  @Test
  void timesOfDayAreUtcToTheSecond() {
    assertThat(StatusView.time(Instant.parse("2026-12-02T09:05:07.999Z"))).isEqualTo("09:05:07Z");
    assertThat(StatusView.time(Instant.parse("1969-12-31T23:59:59Z"))).isEqualTo("23:59:59Z");
    assertThat(StatusView.dateTime(Instant.parse("2026-12-02T09:05:07Z"))).isEqualTo("2026-12-02 09:05:07Z");
  }


  @Test
  void moreTargetsMatchingThanAPageHoldsAreCompactByDefaultAndFewerAreInFull() {
    List<StatusView.Entry> many = entries(StatusView.COMPACT_ABOVE + 1);

    StatusView all = view(many, StatusView.Query.ALL);
    StatusView down = view(many, query("show", "down"));

    assertThat(all.layout()).isEqualTo(StatusView.Layout.COMPACT);
    assertThat(all.compactRows()).hasSize(StatusView.PAGE_ROWS);
    assertThat(all.rows()).isEmpty();
    assertThat(down.layout()).as("only every tenth is down: few enough to show in full")
        .isEqualTo(StatusView.Layout.FULL);
    assertThat(down.rows()).hasSize(11);
    assertThat(down.compactRows()).isEmpty();
    assertThat(view(entries(StatusView.COMPACT_ABOVE), StatusView.Query.ALL).layout())
        .isEqualTo(StatusView.Layout.FULL);
  }

  @Test
  void aLayoutChosenInTheQueryIsKeptWhateverTheNumberAndByThePagesLinks() {
    StatusView compact = view(entries(3), query("view", "compact"));
    StatusView full = view(entries(StatusView.PAGE_ROWS * 2), query("view", "full"));

    assertThat(compact.layout()).isEqualTo(StatusView.Layout.COMPACT);
    assertThat(compact.compactRows()).extracting(CompactRow::name).containsExactly("t0", "t1", "t2");
    assertThat(full.layout()).isEqualTo(StatusView.Layout.FULL);
    assertThat(full.paging().next()).isEqualTo("?show=all&page=2&view=full");
    assertThat(view(entries(StatusView.PAGE_ROWS * 2), StatusView.Query.ALL).paging().next())
        .as("left to the default, the link leaves it to the default too").isEqualTo("?show=all&page=2");
  }

  @Test
  void aLayoutItDoesNotKnowIsRefusedNamingTheParameter() {
    assertThatThrownBy(() -> query("view", "grid")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("view: 'grid' is none of auto, full and compact");
    assertThat(query("view", "auto").layout()).isEqualTo(StatusView.Layout.AUTO);
  }

  @Test
  void aCompactRowIsTheStateTheNameTheReasonAndTheStripWithTheAddressAndDetailForHovering() {
    CompactRow down = view(entries(1), query("view", "compact")).compactRows().get(0);

    assertThat(down.name()).isEqualTo("t0");
    assertThat(down.address()).isEqualTo("192.0.2.1:12345");
    assertThat(down.state()).isEqualTo(StatusView.State.DOWN);
    assertThat(down.reason()).isEqualTo("connect_refused");
    assertThat(down.detail()).isEqualTo("refused \\x1b[31m");
    assertThat(down.strip()).as("its three results, alike, as one run")
        .containsExactly(new StatusView.Cell("connect_refused", false, 2 * StatusView.CELL_PITCH,
            2 * StatusView.CELL_PITCH + StatusView.CELL_WIDTH, "00:00:10Z to 00:00:30Z · 3 × connect_refused"));
    assertThat(down.stripWidth()).isEqualTo(5 * StatusView.CELL_PITCH);
  }

  @Test
  void aCompactStripDrawsEachRunOfLikeResultsAsOneCellAndALoneResultAsTheFullStripDoes() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    ResultHistory history = new ResultHistory(8);
    List<Result> results = List.of(Result.SUCCESS, Result.SUCCESS, Result.READ_TIMEOUT, Result.SUCCESS,
        Result.SUCCESS, Result.SUCCESS);
    for (int i = 0; i < results.size(); i++) {
      history.record(new ProbeResult(results.get(i), "", Map.of(), Duration.ofMillis(300), null, null, null,
          start.plusSeconds(i)));
    }

    assertThat(CompactRow.runs(history.snapshot(), history.capacity())).extracting(StatusView.Cell::title)
        .containsExactly("00:00:00Z to 00:00:01Z · 2 × success", "00:00:02Z · read_timeout · 300 ms",
            "00:00:03Z to 00:00:05Z · 3 × success");
    assertThat(CompactRow.runs(history.snapshot(), history.capacity())).extracting(StatusView.Cell::x)
        .as("the oldest two slots of the ring still empty").containsExactly(8, 16, 20);
  }

  private static StatusView view(List<StatusView.Entry> entries, StatusView.Query query) {
    StatusView.Header header = new StatusView.Header("test", "dev", "0/1", entries.size(), 0, "vertx", "applied",
        true, "now");
    return StatusView.of(header, entries, query, "/status.css");
  }

  private static StatusView.Query query(String parameter, String value) {
    return StatusView.Query.parse(MultiMap.caseInsensitiveMultiMap().add(parameter, value));
  }

  /** {@code n} targets, {@code t0} to {@code t<n-1>}, each with three results: every tenth refused, the others up. */
  private static List<StatusView.Entry> entries(int n) {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    return IntStream.range(0, n).mapToObj(i -> {
      ResultHistory history = new ResultHistory(5);
      StateChanges changes = new StateChanges(start);
      UptimeRollup uptime = new UptimeRollup(start);
      Result result = i % 10 == 0 ? Result.CONNECT_REFUSED : Result.SUCCESS;
      ProbeResult last = null;
      for (int k = 1; k <= 3; k++) {
        last = new ProbeResult(result, result == Result.SUCCESS ? "greeted" : "refused \u001b[31m", Map.of(),
            Duration.ofMillis(k), null, null, null, start.plusSeconds(10L * k));
        history.record(last);
        changes.record(last);
        uptime.record(last);
      }
      return new StatusView.Entry(TestTargets.target("192.0.2.1:12345").name("t" + i).build(), last, history,
          changes, uptime, List.of());
    }).toList();
  }
}
