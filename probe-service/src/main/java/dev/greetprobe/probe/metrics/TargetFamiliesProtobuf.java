package dev.greetprobe.probe.metrics;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The families of {@link TargetFamilies} in Prometheus' protobuf format, encoded straight from each target's values:
 * the bytes the Prometheus client's protobuf writer writes from the collector's snapshots
 * ({@code TargetFamiliesProtobufTest} holds them equal). The client builds a snapshot of every point, then a protobuf
 * message of every snapshot, and with many targets the garbage of both cost the collector more than the scrape itself.
 * Here each point is encoded into one reused buffer. A family's length, which its delimiter needs first, comes from
 * encoding its points once to measure them and again to write them: cheaper than keeping a family of many targets.
 */
final class TargetFamiliesProtobuf {

  /** {@code io.prometheus.client.MetricType}. */
  private static final int COUNTER = 0;
  private static final int GAUGE = 1;
  private static final int HISTOGRAM = 4;

  /** {@code io.prometheus.client.Metric}'s fields. */
  private static final int LABEL = 1;
  private static final int GAUGE_VALUE = 2;
  private static final int COUNTER_VALUE = 3;
  private static final int HISTOGRAM_VALUE = 7;

  private TargetFamiliesProtobuf() {
  }

  /** Every family of {@code all}'s targets, into {@code out}, each as a length-delimited {@code MetricFamily}. */
  static void write(List<TargetMeters.Values> all, OutputStream out) throws IOException {
    SeriesLabels.Gathered labels = new SeriesLabels.Gathered(all, SeriesLabels::protobuf);
    Families families = new Families(new BufferedOutputStream(out, 1 << 16));
    families.write(ProbeFamily.DNS_LOOKUP, "", GAUGE, gauges(all, labels, TargetMeters.Values::dnsLookup));
    families.write(ProbeFamily.DURATION, "", GAUGE, gauges(all, labels, TargetMeters.Values::duration));
    families.write(ProbeFamily.IP_PROTOCOL, "", GAUGE, gauges(all, labels, TargetMeters.Values::ipProtocol));
    families.write(ProbeFamily.PHASE_DURATION, "", HISTOGRAM, phases(all, labels));
    families.write(ProbeFamily.RESULTS, "_total", COUNTER, results(all, labels));
    families.write(ProbeFamily.SKIPPED, "_total", COUNTER, (point, i) -> {
      if (i >= all.size()) {
        return false;
      }
      point.bytes(labels.all[i]).valueMessage(COUNTER_VALUE, all.get(i).skipped());
      return true;
    });
    families.write(ProbeFamily.CERT_EXPIRY, "", GAUGE, (point, i) -> {
      if (i >= all.size()) {
        return false;
      }
      Double expiry = all.get(i).certExpiry();
      if (expiry != null) {
        point.bytes(labels.all[i]).valueMessage(GAUGE_VALUE, expiry);
      }
      return true;
    });
    families.write(ProbeFamily.SUCCESS, "", GAUGE, gauges(all, labels, TargetMeters.Values::success));
    families.flush();
  }

  /** {@code labels} as this format writes them: each a {@code Metric}'s label field. */
  static SeriesLabels.Encoded encode(SeriesLabels labels) {
    return new SeriesLabels.Encoded(labelPairs(labels, 0, labels.size()), split(labels, "result"),
        split(labels, "phase"));
  }

  private static SeriesLabels.Split split(SeriesLabels labels, String own) {
    int at = labels.before(own);
    return new SeriesLabels.Split(labelPairs(labels, 0, at), labelPairs(labels, at, labels.size()));
  }

  private static Points gauges(List<TargetMeters.Values> all, SeriesLabels.Gathered labels,
      ToDoubleFunction<TargetMeters.Values> value) {
    return (point, i) -> {
      if (i >= all.size()) {
        return false;
      }
      point.bytes(labels.all[i]).valueMessage(GAUGE_VALUE, value.applyAsDouble(all.get(i)));
      return true;
    };
  }

  private static Points results(List<TargetMeters.Values> all, SeriesLabels.Gathered labels) {
    byte[][] byResult = new byte[TargetFamilies.RESULTS_BY_LABEL.size()][];
    for (int r = 0; r < byResult.length; r++) {
      byResult[r] = labelPair("result", TargetFamilies.RESULTS_BY_LABEL.get(r).label());
    }
    Order order = new Order(all, "result", byResult.length);
    return (point, i) -> {
      if (!order.at(i)) {
        return false;
      }
      long count = all.get(order.target).byResult()[TargetFamilies.RESULTS_BY_LABEL.get(order.own).ordinal()];
      point.bytes(labels.beforeResult[order.target]).bytes(byResult[order.own])
          .bytes(labels.afterResult[order.target]).valueMessage(COUNTER_VALUE, count);
      return true;
    };
  }

  private static Points phases(List<TargetMeters.Values> all, SeriesLabels.Gathered labels) {
    byte[][] byPhase = new byte[TargetFamilies.PHASES_BY_LABEL.size()][];
    for (int p = 0; p < byPhase.length; p++) {
      byPhase[p] = labelPair("phase", TargetFamilies.PHASES_BY_LABEL.get(p).label());
    }
    Order order = new Order(all, "phase", byPhase.length);
    Wire encoded = new Wire();
    NativeSpans spans = new NativeSpans();
    return (point, i) -> {
      if (!order.at(i)) {
        return false;
      }
      PhaseHistogram histogram =
          all.get(order.target).phases()[TargetFamilies.PHASES_BY_LABEL.get(order.own).ordinal()];
      if (histogram != null) {
        encoded.reset();
        histogram(histogram, spans, encoded);
        point.bytes(labels.beforePhase[order.target]).bytes(byPhase[order.own])
            .bytes(labels.afterPhase[order.target]).message(HISTOGRAM_VALUE, encoded);
      }
      return true;
    };
  }

  /**
   * Which point comes {@code i}th in a family with a label of its own ({@code result}, {@code phase}), in the client's
   * order: by each run of targets {@link TargetFamilies#groupEnd} finds, then by the own label's value, then by target.
   */
  private static final class Order {

    /** Where each run of targets starts, and past the last, the number of targets. */
    private final int[] starts;
    private final int values;
    /** The run of the point last found. */
    private int run;
    /** The point {@link #at} found: its target, and the index of its own label's value. */
    int target;
    int own;

    Order(List<TargetMeters.Values> all, String name, int values) {
      this.values = values;
      List<Integer> runs = new ArrayList<>();
      for (int first = 0; first < all.size(); first = TargetFamilies.groupEnd(all, first, name)) {
        runs.add(first);
      }
      runs.add(all.size());
      starts = runs.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Finds point {@code i}; false past the last. Each pass over a family asks for the points in order. */
    boolean at(int i) {
      if (i >= starts[starts.length - 1] * values) {
        return false;
      }
      if (starts[run] * values > i) {
        run = 0;
      }
      while (starts[run + 1] * values <= i) {
        run++;
      }
      int size = starts[run + 1] - starts[run];
      int within = i - starts[run] * values;
      own = within / size;
      target = starts[run] + within % size;
      return true;
    }
  }

  /** {@code io.prometheus.client.Histogram}, its fields in the order of their numbers, as protobuf writes them. */
  private static void histogram(PhaseHistogram histogram, NativeSpans spans, Wire out) {
    out.uint64(1, histogram.count()).fixed64(2, histogram.sum());
    double[] bounds = histogram.classicBounds();
    long cumulative = 0;
    for (int b = 0; b < bounds.length; b++) {
      cumulative += histogram.classicCount(b);
      // Bucket {cumulative_count = 1; upper_bound = 2}
      out.tag(3, Wire.LENGTH_DELIMITED).varint(1 + Wire.varintSize(cumulative) + 9)
          .uint64(1, cumulative).fixed64(2, bounds[b]);
    }
    if (!histogram.hasNative()) {
      return;
    }
    out.sint32(5, PhaseHistogram.SCHEMA).fixed64(6, PhaseHistogram.ZERO_THRESHOLD).uint64(7, histogram.zeroCount());
    spans.of(histogram);
    for (int s = 0; s < spans.count; s++) {
      // BucketSpan {offset = 1 (sint32); length = 2}
      long offset = Wire.zigzag(spans.offsets[s]);
      int length = spans.lengths[s];
      out.tag(12, Wire.LENGTH_DELIMITED).varint(2 + Wire.varintSize(offset) + Wire.varintSize(length))
          .tag(1, Wire.VARINT).varint(offset).uint64(2, length);
    }
    for (int d = 0; d < spans.deltaCount; d++) {
      out.sint64(13, spans.deltas[d]);
    }
  }

  /** Labels {@code from} to {@code to}, each a {@code Metric}'s label field. */
  private static byte[] labelPairs(SeriesLabels labels, int from, int to) {
    Wire pairs = new Wire();
    for (int i = from; i < to; i++) {
      pairs.bytes(labelPair(labels.name(i), labels.value(i)));
    }
    return pairs.toByteArray();
  }

  /** A {@code LabelPair} as a {@code Metric}'s label field. */
  private static byte[] labelPair(String name, String value) {
    Wire pair = new Wire().string(1, name).string(2, value);
    return new Wire().message(LABEL, pair).toByteArray();
  }

  /** The points of one family: {@link #encode} writes point {@code i}'s fields, or none, and is false past the last. */
  @FunctionalInterface
  private interface Points {
    boolean encode(Wire point, int i);
  }

  /** Families, each length-delimited: measured in a first pass over its points, written in a second. */
  private static final class Families {

    private final OutputStream out;
    private final Wire point = new Wire();
    private final Wire header = new Wire();

    Families(OutputStream out) {
      this.out = out;
    }

    void write(ProbeFamily family, String suffix, int type, Points points) throws IOException {
      long metrics = 0;
      int i = 0;
      for (point.reset(); points.encode(point, i); point.reset(), i++) {
        if (point.length() > 0) {
          metrics += 1 + Wire.varintSize(point.length()) + point.length();
        }
      }
      if (metrics == 0) {
        // As the client: a family without points is not written.
        return;
      }
      header.reset();
      header.string(1, family.metadata().getName() + suffix).string(2, family.metadata().getHelp())
          .uint64(3, type);
      long length = header.length() + metrics;
      header.reset();
      header.varint(length).string(1, family.metadata().getName() + suffix).string(2, family.metadata().getHelp())
          .uint64(3, type);
      header.writeTo(out);
      i = 0;
      for (point.reset(); points.encode(point, i); point.reset(), i++) {
        if (point.length() > 0) {
          header.reset();
          header.tag(4, Wire.LENGTH_DELIMITED).varint(point.length()).writeTo(out);
          point.writeTo(out);
        }
      }
    }

    void flush() throws IOException {
      out.flush();
    }
  }

  /**
   * A histogram's non-empty native buckets as protobuf's spans and deltas, found as the client finds them: a gap of
   * one or two empty buckets stays in its span, as empty buckets, and a longer one starts the next span. Reused from
   * one histogram to the next.
   */
  private static final class NativeSpans {

    int count;
    int[] offsets = new int[4];
    int[] lengths = new int[4];
    int deltaCount;
    long[] deltas = new long[64];

    void of(PhaseHistogram histogram) {
      count = 0;
      deltaCount = 0;
      if (deltas.length < histogram.nativeLength()) {
        deltas = new long[histogram.nativeLength()];
      }
      int previousIndex = 0;
      long previousCount = 0;
      for (int i = 0; i < histogram.nativeLength(); i++) {
        long bucketCount = histogram.nativeCount(i);
        if (bucketCount == 0) {
          continue;
        }
        int index = histogram.firstNativeIndex() + i;
        if (count == 0) {
          start(index);
        } else if (index > previousIndex + 3) {
          start(index - (previousIndex + 1));
        } else {
          while (index > previousIndex + 1) {
            lengths[count - 1]++;
            deltas[deltaCount++] = -previousCount;
            previousCount = 0;
            previousIndex++;
          }
        }
        lengths[count - 1]++;
        deltas[deltaCount++] = bucketCount - previousCount;
        previousCount = bucketCount;
        previousIndex = index;
      }
    }

    private void start(int offset) {
      if (count == offsets.length) {
        offsets = Arrays.copyOf(offsets, count * 2);
        lengths = Arrays.copyOf(lengths, count * 2);
      }
      offsets[count] = offset;
      lengths[count++] = 0;
    }
  }

  /** Protobuf's wire format, written into one array that grows as it must and is reused from one message to the next. */
  static final class Wire {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;

    private byte[] bytes = new byte[256];
    private int length;

    void reset() {
      length = 0;
    }

    int length() {
      return length;
    }

    Wire tag(int field, int wireType) {
      return varint(field << 3 | wireType);
    }

    Wire varint(long value) {
      room(10);
      while ((value & ~0x7FL) != 0) {
        bytes[length++] = (byte) ((value & 0x7F) | 0x80);
        value >>>= 7;
      }
      bytes[length++] = (byte) value;
      return this;
    }

    Wire uint64(int field, long value) {
      return tag(field, VARINT).varint(value);
    }

    Wire sint32(int field, int value) {
      return tag(field, VARINT).varint(zigzag(value));
    }

    Wire sint64(int field, long value) {
      return tag(field, VARINT).varint((value << 1) ^ (value >> 63));
    }

    Wire fixed64(int field, double value) {
      tag(field, FIXED64);
      room(8);
      long raw = Double.doubleToRawLongBits(value);
      for (int i = 0; i < 8; i++) {
        bytes[length++] = (byte) (raw >>> (8 * i));
      }
      return this;
    }

    Wire string(int field, String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      return tag(field, LENGTH_DELIMITED).varint(utf8.length).bytes(utf8, utf8.length);
    }

    /** {@code field} as the message {@code inner} holds. */
    Wire message(int field, Wire inner) {
      return tag(field, LENGTH_DELIMITED).varint(inner.length).bytes(inner.bytes, inner.length);
    }

    /** {@code field} as a {@code Gauge} or {@code Counter}: a message of one double, its field 1. */
    Wire valueMessage(int field, double value) {
      return tag(field, LENGTH_DELIMITED).varint(9).fixed64(1, value);
    }

    Wire bytes(byte[] value) {
      return bytes(value, value.length);
    }

    private Wire bytes(byte[] value, int count) {
      room(count);
      System.arraycopy(value, 0, bytes, length, count);
      length += count;
      return this;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(bytes, length);
    }

    void writeTo(OutputStream out) throws IOException {
      out.write(bytes, 0, length);
    }

    static long zigzag(int value) {
      return Integer.toUnsignedLong((value << 1) ^ (value >> 31));
    }

    static int varintSize(long value) {
      return value == 0 ? 1 : (64 - Long.numberOfLeadingZeros(value) + 6) / 7;
    }

    private void room(int count) {
      if (length + count > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
      }
    }
  }
}
