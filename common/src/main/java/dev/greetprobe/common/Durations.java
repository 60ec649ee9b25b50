package dev.greetprobe.common;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in config: a whole number and a unit, such as {@code 500ms}, {@code 10s}, {@code 1m}. */
public final class Durations {

  /**
   * The longest duration any setting takes. Past it a timer's delay or a deadline in nanoseconds would overflow a
   * {@code long} somewhere downstream, long after the config was accepted; no interval or timeout needs more than a day.
   */
  public static final Duration MAX = Duration.ofHours(24);

  /**
   * The shortest interval or timeout of what runs again and again (a target's probes, a reload's reads, a peer
   * lookup): each run is a timer on a loop the services share, and shorter would spend the loops on the schedule.
   */
  public static final Duration MIN = Duration.ofMillis(100);

  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  private Durations() {
  }

  /**
   * Parses {@code text}, at most {@link #MAX}, or throws {@link IllegalArgumentException} with a reason fit for a
   * config error.
   */
  public static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          ConfigException.quote(text)
              + " is not a duration (a whole number and a unit: ms, s, m or h, as in 500ms or 10s)");
    }
    long amount = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
    if (d.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(ConfigException.quote(text) + " is above the maximum of " + format(MAX));
    }
    return d;
  }

  /** {@code d}, or an {@link IllegalArgumentException} with a reason fit for a config error when it is below {@link #MIN}. */
  public static Duration atLeastMin(Duration d) {
    if (d.compareTo(MIN) < 0) {
      throw new IllegalArgumentException(format(d) + " is below the minimum of " + format(MIN));
    }
    return d;
  }

  /** The inverse of {@link #parse}, in the largest unit that is exact. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
