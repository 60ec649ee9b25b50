package dev.greetprobe.probe.http;

import dev.greetprobe.probe.schedule.ResultHistory;
import java.time.Duration;

/**
 * How long a target's kept probes took, drawn on the server as an inline SVG line under the strip of their results:
 * each probe a point below its own cell, the line's height its duration against the slowest kept, with the median and
 * the 99th percentile as guide lines. Plain elements styled by the page's stylesheet, so it needs nothing the page's
 * Content-Security-Policy forbids.
 *
 * @param points the line's points, in the units of its view box: {@code x,y} pairs, oldest first; empty with no probe
 * @param width the view box's width: the strip's, so that a point lies under its result's cell
 * @param p50Y where the median's guide line lies, in the view box
 * @param p99Y where the 99th percentile's guide line lies
 * @param window the probes the line shows and the time they cover, as {@code last 60 probes, 10 min}
 * @param percentiles their median and 99th percentile, as {@code p50 12.0 ms, p99 40.0 ms}; empty with no probe
 */
public record LatencySparkline(String points, int width, int p50Y, int p99Y, String window, String percentiles) {

  /** The view box's height; the line keeps a unit clear of each edge, so its stroke is never cut. */
  public static final int HEIGHT = 20;
  private static final int TOP = 1;
  private static final int PLOT = HEIGHT - 2 * TOP;

  /**
   * The line of {@code history}, kept in a ring of {@code capacity}; {@code interval} is the target's, the time the
   * oldest kept result stands for.
   */
  static LatencySparkline of(ResultHistory.Snapshot history, int capacity, Duration interval) {
    int width = capacity * StatusView.CELL_PITCH;
    int size = history.size();
    if (size == 0) {
      return new LatencySparkline("", width, HEIGHT, HEIGHT, "no probe yet", "");
    }
    long slowest = 1;
    for (int i = 0; i < size; i++) {
      slowest = Math.max(slowest, history.duration(i).toNanos());
    }
    StringBuilder points = new StringBuilder(size * 8);
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        points.append(' ');
      }
      // Under the middle of the result's cell: twice its x, to write a half without formatting a double.
      int doubleX = 2 * (capacity - size + i) * StatusView.CELL_PITCH + StatusView.CELL_WIDTH;
      points.append(doubleX / 2).append(doubleX % 2 == 1 ? ".5," : ",")
          .append(y(history.duration(i).toNanos(), slowest));
    }
    Duration p50 = history.percentile(0.5);
    Duration p99 = history.percentile(0.99);
    Duration window = Duration.between(history.finishedAt(0), history.finishedAt(size - 1)).plus(interval);
    return new LatencySparkline(points.toString(), width, y(p50.toNanos(), slowest), y(p99.toNanos(), slowest),
        (size == 1 ? "last probe, " : "last " + size + " probes, ") + StatusView.span(window),
        "p50 " + StatusView.millis(p50) + ", p99 " + StatusView.millis(p99));
  }

  /** What the line shows, in words, as {@code last 60 probes, 10 min: p50 12.0 ms, p99 40.0 ms}. */
  public String label() {
    return percentiles.isEmpty() ? window : window + ": " + percentiles;
  }

  /** A duration's height, from the bottom for none to the top for the slowest. */
  private static int y(long nanos, long slowest) {
    return TOP + (int) Math.round(PLOT * (1 - (double) nanos / slowest));
  }
}
