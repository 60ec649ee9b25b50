package dev.greetprobe.greeter.metrics;

import dev.greetprobe.common.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;

/** The greeter's own meters; Vert.x adds the JVM's and its HTTP endpoint's. */
public final class GreeterMetrics {

  private final MeterRegistry registry;
  private final Counter greetings;
  private final Counter accepted;
  private final Map<Rejection, Counter> rejections = new EnumMap<>(Rejection.class);
  private final RejectionLog log = new RejectionLog();
  private volatile double tlsReloadSuccessful = 1;
  private volatile double tlsCertificateExpiry = Double.NaN;

  public GreeterMetrics(MeterRegistry registry, IntSupplier openConnections, Transport transport) {
    this.registry = registry;
    Gauge.builder("greeter.transport.info", () -> 1)
        .description("The transport serving the greeting port (always 1)")
        .tag("transport", transport.label())
        .register(registry);
    accepted = Counter.builder("greeter.connections.accepted")
        .description("Connections accepted on the greeting port, greeted or not")
        .register(registry);
    Gauge.builder("greeter.connections.active", openConnections::getAsInt)
        .description("Connections open on the greeting port now")
        .register(registry);
    greetings = Counter.builder("greeter.greetings")
        .description("Greetings written in full to a client")
        .register(registry);
    for (Rejection reason : Rejection.values()) {
      rejections.put(reason, Counter.builder("greeter.connections.rejected")
          .description("Connections closed without a greeting, by reason")
          .tag("reason", reason.label())
          .register(registry));
    }
  }

  /** A TLS certificate expiring at {@code expiry} is now served. */
  public void tlsLoaded(Instant expiry) {
    if (Double.isNaN(tlsCertificateExpiry)) {
      // Registered with the first certificate, so a greeter without TLS exports no TLS series.
      Gauge.builder("greeter.tls.last.reload.successful", this, m -> m.tlsReloadSuccessful)
          .description("Whether the TLS files last read gave a usable certificate (1) or were refused (0)")
          .register(registry);
      Gauge.builder("greeter.tls.certificate.expiry", this, m -> m.tlsCertificateExpiry)
          .baseUnit("seconds")
          .description("When the served TLS certificate expires, in Unix seconds")
          .register(registry);
    }
    tlsReloadSuccessful = 1;
    tlsCertificateExpiry = expiry.getEpochSecond();
  }

  /** The TLS files read are the ones served: the last read was usable. */
  public void tlsReadAgain() {
    tlsReloadSuccessful = 1;
  }

  /** New TLS files were refused; the served certificate stays. */
  public void tlsRefused() {
    tlsReloadSuccessful = 0;
  }

  public void accepted() {
    accepted.increment();
  }

  public void greeted() {
    greetings.increment();
  }

  /** Counts a refused connection and logs it, at a rate that cannot flood the log. */
  public void rejected(Rejection reason, Object client, String detail) {
    rejections.get(reason).increment();
    log.rejected(reason, client, detail);
  }
}
