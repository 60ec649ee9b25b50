package dev.greetprobe.probe.metrics;

import dev.greetprobe.common.Histograms;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import java.util.Arrays;

/**
 * One target's durations of one phase, in classic buckets, native ones, or both ({@code metrics.histograms}), as the
 * Prometheus client's histogram would export them. The client's histogram is built for many writers: an observation
 * goes through adders, a concurrent map of native buckets and a buffer that keeps scrapes consistent, and at a
 * probe's rate that was the largest share of the probe's own CPU. A target has one writer, the event loop that probes
 * it, so plain counts do; {@link TargetMeters} guards them, and a scrape reads a {@link #copy}.
 *
 * <p>The native buckets keep one schema, {@value #SCHEMA}, where the client starts finer and halves its resolution
 * whenever a histogram holds more buckets than its limit: a phase's durations, from a loopback connect to a timeout,
 * need no more buckets at this schema than the client allows, so there is nothing to scale down, and the buckets are
 * the client's own at this schema, boundaries included ({@code PhaseHistogramTest} holds them to it).
 */
final class PhaseHistogram {

  /** Eight buckets for each doubling: a bucket's bounds are about 9% apart. */
  static final int SCHEMA = 3;

  /** The client's default: only a zero duration falls in the zero bucket. */
  static final double ZERO_THRESHOLD = Math.pow(2.0, -128);

  /** Where in {@code [0.5, 1)} the {@code 2^SCHEMA} buckets of each doubling start, computed as the client does. */
  private static final double[] FRACTION_BOUNDS = fractionBounds();

  /** Upper bounds of the classic buckets, {@code +Inf} last: one array that every phase's histogram shares. */
  static final double[] CLASSIC_BOUNDS = withInfinity(ProbeMetrics.PHASE_BUCKETS);

  private static final double[] NO_BOUNDS = new double[0];

  /** {@link #CLASSIC_BOUNDS}, or empty without classic buckets. */
  private final double[] classicBounds;
  private final long[] classicCounts;
  private final boolean nativeBuckets;
  /** Counts of the native buckets {@code firstIndex} to {@code firstIndex + nativeCounts.length - 1}. */
  private long[] nativeCounts;
  private int firstIndex;
  private long zeroCount;
  private long count;
  private double sum;

  /** Empty, keeping the buckets {@code mode} asks for. */
  PhaseHistogram(Histograms mode) {
    this.classicBounds = mode == Histograms.NATIVE ? NO_BOUNDS : CLASSIC_BOUNDS;
    this.classicCounts = new long[this.classicBounds.length];
    this.nativeBuckets = mode != Histograms.CLASSIC;
    this.nativeCounts = new long[0];
  }

  private PhaseHistogram(PhaseHistogram of) {
    classicBounds = of.classicBounds;
    classicCounts = Arrays.copyOf(of.classicCounts, of.classicCounts.length);
    nativeBuckets = of.nativeBuckets;
    long[] counts = of.nativeCounts;
    nativeCounts = Arrays.copyOf(counts, counts.length);
    firstIndex = of.firstIndex;
    zeroCount = of.zeroCount;
    count = of.count;
    sum = of.sum;
  }

  /** Counts one duration, in seconds. Only the target's own event loop calls this. */
  void observe(double seconds) {
    for (int i = 0; i < classicBounds.length; i++) {
      if (seconds <= classicBounds[i]) {
        classicCounts[i]++;
        break;
      }
    }
    if (nativeBuckets) {
      if (seconds <= ZERO_THRESHOLD) {
        zeroCount++;
      } else {
        countNative(nativeIndex(seconds));
      }
    }
    count++;
    sum += seconds;
  }

  private void countNative(int index) {
    if (nativeCounts.length == 0) {
      nativeCounts = new long[1];
      firstIndex = index;
    } else if (index < firstIndex) {
      long[] wider = new long[nativeCounts.length + (firstIndex - index)];
      System.arraycopy(nativeCounts, 0, wider, firstIndex - index, nativeCounts.length);
      nativeCounts = wider;
      firstIndex = index;
    } else if (index >= firstIndex + nativeCounts.length) {
      nativeCounts = Arrays.copyOf(nativeCounts, index - firstIndex + 1);
    }
    nativeCounts[index - firstIndex]++;
  }

  /**
   * The native bucket of a positive, finite value: with {@code value = fraction * 2^exponent} and the fraction in
   * {@code [0.5, 1)}, the first bucket of the doubling whose bound is at least the fraction, as the client finds it.
   */
  static int nativeIndex(double value) {
    int exponent = Math.getExponent(value) + 1;
    double fraction = Math.scalb(value, -exponent);
    int inDoubling = Arrays.binarySearch(FRACTION_BOUNDS, fraction);
    if (inDoubling < 0) {
      inDoubling = -inDoubling - 1;
    }
    return inDoubling + (exponent - 1) * FRACTION_BOUNDS.length;
  }

  /** A copy for a scrape to read while this one goes on counting. */
  PhaseHistogram copy() {
    return new PhaseHistogram(this);
  }

  /** The classic buckets' upper bounds, {@link #CLASSIC_BOUNDS} or none. */
  double[] classicBounds() {
    return classicBounds;
  }

  /** Durations counted in the classic bucket {@code bucket} and not in the one below it. */
  long classicCount(int bucket) {
    return classicCounts[bucket];
  }

  /** Whether this histogram keeps native buckets. */
  boolean hasNative() {
    return nativeBuckets;
  }

  long zeroCount() {
    return zeroCount;
  }

  /** The native bucket index of {@code nativeCount(0)}. */
  int firstNativeIndex() {
    return firstIndex;
  }

  /** How many native buckets {@link #nativeCount} reads, from {@link #firstNativeIndex} on, empty ones among them. */
  int nativeLength() {
    return nativeCounts.length;
  }

  /** Durations counted in the native bucket {@code firstNativeIndex() + i}. */
  long nativeCount(int i) {
    return nativeCounts[i];
  }

  long count() {
    return count;
  }

  double sum() {
    return sum;
  }

  HistogramDataPointSnapshot snapshot(Labels labels, long createdMillis) {
    ClassicHistogramBuckets classic = classicBounds.length == 0
        ? ClassicHistogramBuckets.EMPTY : ClassicHistogramBuckets.of(classicBounds, classicCounts);
    if (!nativeBuckets) {
      return new HistogramDataPointSnapshot(classic, sum, labels, Exemplars.EMPTY, createdMillis);
    }
    int used = 0;
    for (long count : nativeCounts) {
      used += count == 0 ? 0 : 1;
    }
    int[] indexes = new int[used];
    long[] counts = new long[used];
    for (int i = 0, j = 0; i < nativeCounts.length; i++) {
      if (nativeCounts[i] != 0) {
        indexes[j] = firstIndex + i;
        counts[j++] = nativeCounts[i];
      }
    }
    return new HistogramDataPointSnapshot(classic, SCHEMA, zeroCount, ZERO_THRESHOLD,
        NativeHistogramBuckets.of(indexes, counts), NativeHistogramBuckets.EMPTY, sum, labels, Exemplars.EMPTY,
        createdMillis);
  }

  private static double[] withInfinity(double[] bounds) {
    double[] all = Arrays.copyOf(bounds, bounds.length + 1);
    all[bounds.length] = Double.POSITIVE_INFINITY;
    return all;
  }

  /**
   * The client's table for this schema, built as client_golang builds it: each schema's even bounds are the coarser
   * schema's, and only the odd ones are multiplied out, so that the boundaries are the same doubles.
   */
  private static double[] fractionBounds() {
    double[] coarser = null;
    double[] bounds = null;
    for (int schema = 1; schema <= SCHEMA; schema++) {
      bounds = new double[1 << schema];
      bounds[0] = 0.5;
      double base = Math.pow(2, Math.pow(2, -schema));
      for (int i = 1; i < bounds.length; i++) {
        bounds[i] = i % 2 == 0 && schema > 1 ? coarser[i / 2] : bounds[i - 1] * base;
      }
      coarser = bounds;
    }
    return bounds;
  }
}
