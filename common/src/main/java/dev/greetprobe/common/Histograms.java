package dev.greetprobe.common;

import io.prometheus.metrics.core.metrics.Histogram;
import java.util.Locale;

/**
 * Which histograms a service exports, the config's {@code metrics.histograms}: classic buckets (one series per bucket,
 * readable in every exposition format), native ones (a whole distribution in one series, sent only over the protobuf
 * exposition to a Prometheus that takes them), or both, for a fleet of scrapers that do not all take native ones.
 */
public enum Histograms {
  CLASSIC,
  NATIVE,
  BOTH;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A histogram builder that keeps the buckets this mode asks for, {@code classicBounds} (seconds) among them. */
  public Histogram.Builder builder(double... classicBounds) {
    Histogram.Builder builder = Histogram.builder().withoutExemplars();
    return switch (this) {
      case CLASSIC -> builder.classicOnly().classicUpperBounds(classicBounds);
      case NATIVE -> builder.nativeOnly();
      case BOTH -> builder.classicUpperBounds(classicBounds);
    };
  }

  /** Reads {@code histograms} from a config's {@code metrics} section; {@code both} when absent. */
  public static Histograms read(ConfigReader metrics) {
    String text = metrics.nonEmptyString("histograms", BOTH.label());
    for (Histograms h : values()) {
      if (h.label().equals(text)) {
        return h;
      }
    }
    throw metrics.error("histograms", "'" + text + "' is none of classic, native, both");
  }
}
