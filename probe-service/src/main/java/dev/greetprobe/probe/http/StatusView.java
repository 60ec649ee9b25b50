package dev.greetprobe.probe.http;

import dev.greetprobe.probe.config.Phase;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.net.Printable;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import dev.greetprobe.probe.schedule.ResultHistory;
import dev.greetprobe.probe.schedule.StateChanges;
import dev.greetprobe.probe.schedule.UptimeRollup;
import io.vertx.core.MultiMap;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What the status page shows, taken from the schedules at one moment for one query: the header, the counts, and one
 * page of rows, the down targets first. Only the rows of the page are looked at closely (their histories copied and
 * summed up), so a page costs the same whether the probe holds a hundred targets or many thousands. Every text here is
 * plain: the template escapes it.
 *
 * @param layout how the rows are drawn: the query's choice, or the default for how many targets match
 * @param rows the page's rows in the full layout; empty in the compact one
 * @param compactRows the page's rows in the compact layout; empty in the full one
 * @param refreshSeconds how often the page reloads itself: the shortest interval, and at least a second
 * @param stylesheet the path of the page's stylesheet, with the hash of its content, so that it may be cached for good
 * @param groups the rows' groups by a label of the targets, when the query asks for them
 */
public record StatusView(Header header, Counts counts, Query query, Layout layout, List<Row> rows,
    List<CompactRow> compactRows, Paging paging, int refreshSeconds, String stylesheet, StatusGroups groups) {

  /** Rows on one page: a page of them renders in a few milliseconds and reads without scrolling for long. */
  public static final int PAGE_ROWS = 100;
  /**
   * Up to this many matching targets, a page shows them all, each in full; beyond it they run over pages, and a line
   * each is what lets a person scan them for the ones that need a look.
   */
  public static final int COMPACT_ABOVE = PAGE_ROWS;

  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  /** The strip's cells, in the units of its view box: a cell and the gap after it. */
  static final int CELL_PITCH = 4;
  static final int CELL_WIDTH = 3;

  /**
   * Who is showing the page.
   *
   * @param instance the pod's name, or the host's
   * @param version the build's version, {@code dev} outside a built jar
   * @param sharing how this instance shares the targets: its shard, or its peers and their last lookup
   * @param here targets this instance probes
   * @param elsewhere targets of the config that other instances probe
   * @param config what became of the last reload, for people
   * @param configOk whether the last reload was applied
   * @param generated when the page was made
   */
  public record Header(String instance, String version, String sharing, int here, int elsewhere,
      String transport, String config, boolean configOk, String generated) {
  }

  /** How many targets are in each state, over all of this instance's targets, whatever the filter. */
  public record Counts(int up, int down, int pending) {
  }

  /**
   * A target as the schedules hold it: its config, its last result (null before the first), its history, and the
   * peers that probe it (empty with a fixed shard).
   */
  public record Entry(Target target, ProbeResult last, ResultHistory history, StateChanges changes,
      UptimeRollup uptime, List<String> holders) {

    State state() {
      return last == null ? State.PENDING : last.success() ? State.UP : State.DOWN;
    }
  }

  public enum State {
    DOWN,
    PENDING,
    UP;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the rows are drawn: {@code ?view=full|compact}, or by default as suits how many targets match. */
  public enum Layout {
    AUTO,
    FULL,
    COMPACT;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The layout for {@code matching} targets: this one, unless it leaves the choice to their number. */
    Layout resolve(int matching) {
      if (this != AUTO) {
        return this;
      }
      return matching > COMPACT_ABOVE ? COMPACT : FULL;
    }
  }

  /**
   * Which targets to show, and how: {@code ?show=all|down&name=part&page=2&view=compact&group=team}.
   *
   * @param group the label whose values group the rows ({@link StatusGroups}); empty for no groups
   */
  public record Query(boolean downOnly, String name, int page, Layout layout, String group) {

    public static final Query ALL = new Query(false, "", 1, Layout.AUTO, "");

    /** From a request's parameters; throws {@link IllegalArgumentException} naming the parameter that is wrong. */
    public static Query parse(MultiMap params) {
      String show = params.get("show");
      if (show != null && !show.isEmpty() && !show.equals("all") && !show.equals("down")) {
        throw new IllegalArgumentException("show: '" + show + "' is neither all nor down");
      }
      String name = params.get("name");
      String page = params.get("page");
      int number = 1;
      if (page != null && !page.isEmpty()) {
        try {
          number = Integer.parseInt(page);
        } catch (NumberFormatException e) {
          number = 0;
        }
        if (number < 1) {
          throw new IllegalArgumentException("page: '" + page + "' is not a page number (1, 2, ...)");
        }
      }
      String group = params.get("group");
      return new Query("down".equals(show), name == null ? "" : name.trim(), number, layout(params.get("view")),
          group == null ? "" : group.trim());
    }

    private static Layout layout(String view) {
      if (view == null || view.isEmpty()) {
        return Layout.AUTO;
      }
      for (Layout layout : Layout.values()) {
        if (layout.label().equals(view)) {
          return layout;
        }
      }
      throw new IllegalArgumentException("view: '" + view + "' is none of auto, full and compact");
    }

    public String show() {
      return downOnly ? "down" : "all";
    }

    boolean matches(Entry entry) {
      return (!downOnly || entry.state() == State.DOWN)
          && (name.isEmpty() || entry.target().name().toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT)));
    }

    /** The layout chosen, as a link's query parameter to append; empty when left to the default. */
    public String layoutParameter() {
      return layout == Layout.AUTO ? "" : "&view=" + layout.label();
    }

    /** This query on another page, as a link's query string: a layout and a grouping chosen stay chosen. */
    String onPage(int other) {
      StringBuilder link = new StringBuilder("?show=").append(show());
      if (!name.isEmpty()) {
        link.append("&name=").append(URLEncoder.encode(name, StandardCharsets.UTF_8));
      }
      if (!group.isEmpty()) {
        link.append("&group=").append(URLEncoder.encode(group, StandardCharsets.UTF_8));
      }
      return link.append("&page=").append(other).append(layoutParameter()).toString();
    }
  }

  /**
   * @param matching targets the query matches
   * @param first the number of the page's first row, counting from 1 (0 when none matches)
   * @param previous the link to the page before, or null on the first
   * @param next the link to the page after, or null on the last
   */
  public record Paging(int page, int pages, int matching, int first, int last, String previous, String next) {
  }

  /**
   * One target's row.
   *
   * @param holders the peers that probe it, as in {@code probed by 10.0.0.1, 10.0.0.2}; empty with a fixed shard
   * @param reason the result's label when down, as in {@code connect_refused}; empty otherwise
   * @param detail what the last probe said, from the network: the exception's words, the bytes it quoted, made
   *     {@link Printable}
   * @param received what the last probe read when it failed, from the network, made {@link Printable}; empty when it
   *     read nothing
   * @param last when the last probe ended and how long it took, or empty before the first
   * @param phases the last probe's phases, in order, as numbers and as parts of a bar
   * @param strip the history, one cell per result, the newest on the right
   * @param stripWidth the strip's width in the units of its view box: room for a full history
   * @param uptime the share up over each window, one text a window, as {@code 24h 99.2 %}
   * @param latency the durations of the history, as a line under the strip, and their median and 99th percentile
   */
  public record Row(String name, String address, String holders, State state, String reason, String detail,
      String received, String since, String changes,
      String last, List<Segment> phases, List<Cell> strip, int stripWidth, String success, List<String> uptime,
      LatencySparkline latency) {
  }

  /** One phase of the last probe: its share of the bar is its share of the probe's time. */
  public record Segment(String phase, String duration, double x, double width) {

    public String title() {
      return phase + " " + duration;
    }
  }

  /** One result in the strip; {@code title} is what hovering shows. */
  public record Cell(String result, boolean success, int x, int width, String title) {
  }

  /** The view of {@code entries} (this instance's targets) for {@code query}. */
  public static StatusView of(Header header, List<Entry> entries, Query query, String stylesheet) {
    int up = 0;
    int down = 0;
    int pending = 0;
    long shortest = Long.MAX_VALUE;
    List<Entry> matching = new ArrayList<>();
    for (Entry entry : entries) {
      switch (entry.state()) {
        case UP -> up++;
        case DOWN -> down++;
        case PENDING -> pending++;
      }
      shortest = Math.min(shortest, entry.target().interval().toMillis());
      if (query.matches(entry)) {
        matching.add(entry);
      }
    }
    StatusGroups groups = StatusGroups.of(query.group(), entries);
    matching.sort(groups.order().thenComparing(Entry::state).thenComparing(e -> e.target().name()));
    int pages = Math.max(1, (matching.size() + PAGE_ROWS - 1) / PAGE_ROWS);
    int page = Math.min(query.page(), pages);
    int from = (page - 1) * PAGE_ROWS;
    int to = Math.min(matching.size(), from + PAGE_ROWS);
    Layout layout = query.layout().resolve(matching.size());
    List<Row> rows = new ArrayList<>();
    List<CompactRow> compactRows = new ArrayList<>();
    Instant now = Instant.now();
    for (Entry entry : matching.subList(from, to)) {
      if (layout == Layout.COMPACT) {
        compactRows.add(CompactRow.of(entry));
      } else {
        rows.add(row(entry, now));
      }
    }
    Paging paging = new Paging(page, pages, matching.size(), matching.isEmpty() ? 0 : from + 1, to,
        page > 1 ? query.onPage(page - 1) : null, page < pages ? query.onPage(page + 1) : null);
    int refresh = shortest == Long.MAX_VALUE ? 10 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, shortest / 1000));
    return new StatusView(header, new Counts(up, down, pending), query, layout, List.copyOf(rows),
        List.copyOf(compactRows), paging, refresh, stylesheet, groups.onPage(matching.subList(from, to)));
  }

  /** When, as the page shows times of day: UTC, to the second. */
  public static String time(Instant instant) {
    int second = (int) Math.floorMod(instant.getEpochSecond(), 86_400L);
    StringBuilder text = new StringBuilder(9);
    twoDigits(text, second / 3600).append(':');
    twoDigits(text, second / 60 % 60).append(':');
    return twoDigits(text, second % 60).append('Z').toString();
  }

  public static String dateTime(Instant instant) {
    return DATE_TIME.format(instant);
  }

  /**
   * A duration as a person reads it: milliseconds to three figures, or seconds from ten of them. By hand rather than
   * through {@link String#format}: a page formats thousands of them, and the formatter is what would take its time.
   */
  public static String millis(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos >= 10_000_000_000L) {
      return decimal((nanos + 50_000_000) / 100_000_000, 1) + " s";
    }
    if (nanos >= 100_000_000) {
      return (nanos + 500_000) / 1_000_000 + " ms";
    }
    if (nanos >= 10_000_000) {
      return decimal((nanos + 50_000) / 100_000, 1) + " ms";
    }
    return decimal((nanos + 5_000) / 10_000, 2) + " ms";
  }

  /** {@code scaled} with its last {@code digits} digits after the point, as in 123 and 2 for 1.23. */
  private static String decimal(long scaled, int digits) {
    long unit = digits == 1 ? 10 : 100;
    String fraction = Long.toString(scaled % unit);
    return scaled / unit + "." + "0".repeat(digits - fraction.length()) + fraction;
  }

  private static StringBuilder twoDigits(StringBuilder text, int value) {
    return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }

  /** One row, its spans and uptime as of {@code now}, the one moment the whole page is drawn at. */
  private static Row row(Entry entry, Instant now) {
    Target target = entry.target();
    ProbeResult last = entry.last();
    State state = entry.state();
    ResultHistory.Snapshot history = entry.history().snapshot();
    int capacity = entry.history().capacity();
    double ratio = history.successRatio();
    StateChanges.Snapshot changes = entry.changes().snapshot();
    return new Row(target.name(), target.address().toString(),
        entry.holders().isEmpty() ? "" : "probed by " + String.join(", ", entry.holders()), state,
        state == State.DOWN ? last.result().label() : "",
        last == null ? "" : Printable.escape(last.detail()),
        state == State.DOWN && last.received() != null ? Printable.escape(last.received()) : "",
        "since " + time(changes.since()) + " (" + span(Duration.between(changes.since(), now)) + ")",
        changes(changes),
        last == null ? "" : time(last.finishedAt()) + " in " + millis(last.duration()),
        last == null ? List.of() : segments(last),
        strip(history, capacity), capacity * CELL_PITCH,
        percent(ratio), uptime(entry.uptime().snapshot(now)),
        LatencySparkline.of(history, capacity, target.interval()));
  }

  /** A cell for each result of {@code history}, kept in a ring of {@code capacity}: the newest at the right end. */
  private static List<Cell> strip(ResultHistory.Snapshot history, int capacity) {
    List<Cell> strip = new ArrayList<>(history.size());
    for (int i = 0; i < history.size(); i++) {
      Result result = history.result(i);
      strip.add(new Cell(result.label(), result == Result.SUCCESS, (capacity - history.size() + i) * CELL_PITCH,
          CELL_WIDTH, time(history.finishedAt(i)) + " · " + result.label() + " · " + millis(history.duration(i))));
    }
    return List.copyOf(strip);
  }

  private static String percent(double ratio) {
    return Double.isNaN(ratio) ? "–" : decimal(Math.round(ratio * 1000), 1) + " %";
  }

  /** The share up over each window, shortest first, as {@code 1h 100.0 %}, {@code 24h 99.2 %}, {@code 7d –}. */
  private static List<String> uptime(UptimeRollup.Snapshot uptime) {
    List<String> windows = new ArrayList<>();
    for (UptimeRollup.Window window : UptimeRollup.Window.values()) {
      windows.add(window.label() + " " + percent(uptime.of(window)));
    }
    return List.copyOf(windows);
  }

  /** The last changes, newest first, for hovering: {@code 12:01:05Z down (connect_refused)}. */
  private static String changes(StateChanges.Snapshot changes) {
    StringBuilder text = new StringBuilder();
    for (int i = changes.changes().size() - 1; i >= 0; i--) {
      StateChanges.Change change = changes.changes().get(i);
      text.append(time(change.at())).append(' ').append(change.state());
      if (change.to() != Result.SUCCESS) {
        text.append(" (").append(change.to().label()).append(')');
      }
      text.append('\n');
    }
    return text.isEmpty() ? "no change yet" : text.toString().strip();
  }

  /** How long, to one unit as a person says it: {@code 42 s}, {@code 17 min}, {@code 5 h}, {@code 3 d}. */
  static String span(Duration duration) {
    long seconds = Math.max(0, duration.getSeconds());
    if (seconds < 120) {
      return seconds + " s";
    }
    if (seconds < 2 * 3600) {
      return seconds / 60 + " min";
    }
    if (seconds < 2 * 86_400) {
      return seconds / 3600 + " h";
    }
    return seconds / 86_400 + " d";
  }

  private static List<Segment> segments(ProbeResult last) {
    long total = 0;
    for (Duration d : last.phases().values()) {
      total += d.toNanos();
    }
    List<Segment> segments = new ArrayList<>();
    double x = 0;
    for (Phase phase : Phase.values()) {
      Duration d = last.phases().get(phase);
      if (d == null) {
        continue;
      }
      double width = total == 0 ? 0 : 100.0 * d.toNanos() / total;
      segments.add(new Segment(phase.label(), millis(d), x, width));
      x += width;
    }
    return List.copyOf(segments);
  }
}
