package dev.greetprobe.probe.metrics;

import dev.greetprobe.probe.config.Phase;
import dev.greetprobe.probe.net.Result;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The families of {@link TargetFamilies} in the Prometheus text format, written straight from each target's values:
 * the bytes the Prometheus client's text writer writes from the collector's snapshots ({@code TargetFamiliesTextTest}
 * holds them equal), without a snapshot of every point first. The client's writer sends each of a scrape's many short
 * strings through a synchronized writer and a charset encoder, and with many targets a text scrape spent most of its
 * time there; here the lines are assembled in bytes, and what every target shares is encoded once.
 */
final class TargetFamiliesText {

  /** Families in the order the client writes them, by name. */
  private static final byte[] DNS_LOOKUP = gaugeHeader(ProbeFamily.DNS_LOOKUP);
  private static final byte[] DURATION = gaugeHeader(ProbeFamily.DURATION);
  private static final byte[] IP_PROTOCOL = gaugeHeader(ProbeFamily.IP_PROTOCOL);
  private static final byte[] PHASE_DURATION = header(ProbeFamily.PHASE_DURATION, "", "histogram");
  private static final byte[] RESULTS = header(ProbeFamily.RESULTS, "_total", "counter");
  private static final byte[] SKIPPED = header(ProbeFamily.SKIPPED, "_total", "counter");
  private static final byte[] CERT_EXPIRY = gaugeHeader(ProbeFamily.CERT_EXPIRY);
  private static final byte[] SUCCESS = gaugeHeader(ProbeFamily.SUCCESS);

  /** For each classic bound, what follows a bucket's labels: the bound, then the brace and the space before the value. */
  private static final byte[][] LE = leLabels(PhaseHistogram.CLASSIC_BOUNDS);
  private static final byte[] LE_INFINITY = ascii(",le=\"+Inf\"} ");
  /** What ends a point's labels: the brace, the space before the value. */
  private static final byte[] CLOSE = ascii("} ");
  private static final byte[] NONE = new byte[0];
  private static final byte[] COMMA = ascii(",");

  private TargetFamiliesText() {
  }

  /** Every family of {@code all}'s targets, into {@code out}. */
  static void write(List<TargetMeters.Values> all, OutputStream out) throws IOException {
    SeriesLabels.Gathered labels = new SeriesLabels.Gathered(all, SeriesLabels::text);
    Lines lines = new Lines(out);
    gauge(lines, DNS_LOOKUP, ProbeFamily.DNS_LOOKUP, all, labels, TargetMeters.Values::dnsLookup);
    gauge(lines, DURATION, ProbeFamily.DURATION, all, labels, TargetMeters.Values::duration);
    gauge(lines, IP_PROTOCOL, ProbeFamily.IP_PROTOCOL, all, labels, TargetMeters.Values::ipProtocol);
    phases(lines, all, labels);
    results(lines, all, labels);
    skipped(lines, all, labels);
    certExpiry(lines, all, labels);
    gauge(lines, SUCCESS, ProbeFamily.SUCCESS, all, labels, TargetMeters.Values::success);
    lines.flush();
  }

  /** {@code labels} as this format writes them: {@code name="value"}, escaped, in UTF-8, joined by commas. */
  static SeriesLabels.Encoded encode(SeriesLabels labels) {
    return new SeriesLabels.Encoded(pairs(labels, 0, labels.size(), false), split(labels, "result"),
        split(labels, "phase"));
  }

  private static SeriesLabels.Split split(SeriesLabels labels, String own) {
    int at = labels.before(own);
    return new SeriesLabels.Split(at == 0 ? NONE : concat(pairs(labels, 0, at, false), COMMA),
        pairs(labels, at, labels.size(), true));
  }

  private static void gauge(Lines lines, byte[] header, ProbeFamily family, List<TargetMeters.Values> all,
      SeriesLabels.Gathered labels, ToDoubleFunction<TargetMeters.Values> value) throws IOException {
    if (all.isEmpty()) {
      return;
    }
    byte[] start = ascii(family.metadata().getPrometheusName() + "{");
    lines.bytes(header);
    for (int i = 0; i < labels.all.length; i++) {
      lines.bytes(start).bytes(labels.all[i]).bytes(CLOSE).number(value.applyAsDouble(all.get(i))).newline();
    }
  }

  private static void certExpiry(Lines lines, List<TargetMeters.Values> all, SeriesLabels.Gathered labels)
      throws IOException {
    byte[] start = ascii(ProbeFamily.CERT_EXPIRY.metadata().getPrometheusName() + "{");
    boolean any = false;
    for (int i = 0; i < labels.all.length; i++) {
      Double expiry = all.get(i).certExpiry();
      if (expiry != null) {
        if (!any) {
          lines.bytes(CERT_EXPIRY);
          any = true;
        }
        lines.bytes(start).bytes(labels.all[i]).bytes(CLOSE).number(expiry).newline();
      }
    }
  }

  private static void results(Lines lines, List<TargetMeters.Values> all, SeriesLabels.Gathered labels)
      throws IOException {
    if (all.isEmpty()) {
      return;
    }
    lines.bytes(RESULTS);
    byte[] start = ascii(ProbeFamily.RESULTS.metadata().getPrometheusName() + "_total{");
    for (int first = 0, end; first < all.size(); first = end) {
      end = TargetFamilies.groupEnd(all, first, "result");
      for (Result result : TargetFamilies.RESULTS_BY_LABEL) {
        Own own = new Own(start, "result", result.label());
        for (int i = first; i < end; i++) {
          own.write(lines, labels.beforeResult[i]).bytes(labels.afterResult[i]).bytes(CLOSE)
              .number(all.get(i).byResult()[result.ordinal()]).newline();
        }
      }
    }
  }

  private static void skipped(Lines lines, List<TargetMeters.Values> all, SeriesLabels.Gathered labels)
      throws IOException {
    if (all.isEmpty()) {
      return;
    }
    byte[] start = ascii(ProbeFamily.SKIPPED.metadata().getPrometheusName() + "_total{");
    lines.bytes(SKIPPED);
    for (int i = 0; i < labels.all.length; i++) {
      lines.bytes(start).bytes(labels.all[i]).bytes(CLOSE).number(all.get(i).skipped()).newline();
    }
  }

  private static void phases(Lines lines, List<TargetMeters.Values> all, SeriesLabels.Gathered labels)
      throws IOException {
    String family = ProbeFamily.PHASE_DURATION.metadata().getPrometheusName();
    byte[] buckets = ascii(family + "_bucket{");
    byte[] counts = ascii(family + "_count{");
    byte[] sums = ascii(family + "_sum{");
    boolean any = false;
    for (int first = 0, end; first < all.size(); first = end) {
      end = TargetFamilies.groupEnd(all, first, "phase");
      for (Phase phase : TargetFamilies.PHASES_BY_LABEL) {
        Own bucket = new Own(buckets, "phase", phase.label());
        Own count = new Own(counts, "phase", phase.label());
        Own sum = new Own(sums, "phase", phase.label());
        for (int i = first; i < end; i++) {
          PhaseHistogram histogram = all.get(i).phases()[phase.ordinal()];
          if (histogram == null) {
            continue;
          }
          if (!any) {
            lines.bytes(PHASE_DURATION);
            any = true;
          }
          byte[] before = labels.beforePhase[i];
          byte[] after = labels.afterPhase[i];
          int bounds = histogram.classicBounds().length;
          if (bounds == 0) {
            // As the client writes a histogram without classic buckets: all of it in the +Inf one.
            bucket.write(lines, before).bytes(after).bytes(LE_INFINITY).digits(histogram.count()).newline();
          }
          long cumulative = 0;
          for (int b = 0; b < bounds; b++) {
            cumulative += histogram.classicCount(b);
            bucket.write(lines, before).bytes(after).bytes(LE[b]).digits(cumulative).newline();
          }
          count.write(lines, before).bytes(after).bytes(CLOSE).digits(histogram.count()).newline();
          sum.write(lines, before).bytes(after).bytes(CLOSE).number(histogram.sum()).newline();
        }
      }
    }
  }

  /**
   * A line's start up to a family's own label: the series' name and brace, the target's labels before the own label,
   * and the own label. Most targets have none before it, and their lines start with one array, the name and the own
   * label together, as lines without labels of the targets' own did.
   */
  private static final class Own {

    private final byte[] start;
    private final byte[] own;
    private final byte[] startAndOwn;

    Own(byte[] start, String name, String value) {
      this.start = start;
      this.own = ascii(name + "=\"" + value + "\"");
      this.startAndOwn = concat(start, own);
    }

    /** The line's start, for a target with {@code before} before the own label. */
    Lines write(Lines lines, byte[] before) throws IOException {
      return before.length == 0 ? lines.bytes(startAndOwn) : lines.bytes(start).bytes(before).bytes(own);
    }
  }

  /** Labels {@code from} to {@code to} as {@code name="value"}, joined by commas, one first if {@code lead}. */
  private static byte[] pairs(SeriesLabels labels, int from, int to, boolean lead) {
    StringBuilder text = new StringBuilder();
    for (int i = from; i < to; i++) {
      if (lead || i > from) {
        text.append(',');
      }
      text.append(labels.name(i)).append("=\"").append(escaped(labels.value(i))).append('"');
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }

  private static byte[] gaugeHeader(ProbeFamily family) {
    return header(family, "", "gauge");
  }

  private static byte[] header(ProbeFamily family, String suffix, String type) {
    String name = family.metadata().getPrometheusName() + suffix;
    String help = family.metadata().getHelp().replace("\\", "\\\\").replace("\n", "\\n");
    return ("# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[][] leLabels(double[] bounds) {
    byte[][] le = new byte[bounds.length][];
    for (int i = 0; i < bounds.length; i++) {
      le[i] = ascii(",le=\"" + Lines.format(bounds[i]) + "\"} ");
    }
    return le;
  }

  /** A label value as the text format quotes it. */
  private static String escaped(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Lines assembled in one reused array and handed to the stream a block at a time. */
  private static final class Lines {

    /** Enough for any number the text format writes. */
    private static final int NUMBER = 32;
    private static final byte[] POINT_ZERO = ascii(".0");

    private final OutputStream out;
    private final byte[] block = new byte[1 << 16];
    private int length;

    Lines(OutputStream out) {
      this.out = out;
    }

    Lines bytes(byte[] bytes) throws IOException {
      if (length + bytes.length > block.length) {
        flush();
        if (bytes.length > block.length) {
          out.write(bytes);
          return this;
        }
      }
      System.arraycopy(bytes, 0, block, length, bytes.length);
      length += bytes.length;
      return this;
    }

    /** A value as the client writes a double: as {@link Double#toString}, with infinities as {@code +Inf}, {@code -Inf}. */
    Lines number(double value) throws IOException {
      // A whole number below the point where Double.toString turns to exponents reads the same as its digits and ".0";
      // counts are, and writing them so is what keeps a counter's line from costing a conversion.
      if (value == (long) value && Math.abs(value) < 1e7 && (value != 0 || 1 / value > 0)) {
        return digits((long) value).bytes(POINT_ZERO);
      }
      return bytes(ascii(format(value)));
    }

    static String format(double value) {
      if (value == Double.POSITIVE_INFINITY) {
        return "+Inf";
      }
      return value == Double.NEGATIVE_INFINITY ? "-Inf" : Double.toString(value);
    }

    Lines digits(long value) throws IOException {
      if (length + NUMBER > block.length) {
        flush();
      }
      if (value < 0) {
        if (value == Long.MIN_VALUE) {
          return bytes(ascii(Long.toString(value)));
        }
        block[length++] = '-';
        value = -value;
      }
      int end = length + stringSize(value);
      for (int at = end - 1; at >= length; at--) {
        block[at] = (byte) ('0' + value % 10);
        value /= 10;
      }
      length = end;
      return this;
    }

    private static int stringSize(long value) {
      int size = 1;
      for (long bound = 10; size < 19 && value >= bound; bound *= 10) {
        size++;
      }
      return size;
    }

    void newline() throws IOException {
      if (length == block.length) {
        flush();
      }
      block[length++] = '\n';
    }

    void flush() throws IOException {
      out.write(block, 0, length);
      length = 0;
    }
  }
}
