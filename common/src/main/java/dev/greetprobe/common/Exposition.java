package dev.greetprobe.common;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;

/**
 * What a service's {@code /metrics} exports, written in the format a scraper asked for. Usually one registry's scrape,
 * written by the Prometheus client's writer; a service whose families are too many for that writer may write some of
 * them itself.
 */
@FunctionalInterface
public interface Exposition {

  /** One scrape, in {@code format}, into {@code out}. Blocks: call it off the event loops. */
  void write(ExpositionFormatWriter format, OutputStream out) throws IOException;

  /** Every family in {@code registry}, written by the client's writer. */
  static Exposition of(PrometheusRegistry registry) {
    return (format, out) -> format.write(out, registry.scrape());
  }
}
