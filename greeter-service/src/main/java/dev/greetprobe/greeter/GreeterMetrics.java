package dev.greetprobe.greeter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;

/** The greeter's own meters; Vert.x adds {@code vertx_net_server_*} and the JVM ones. */
public final class GreeterMetrics {

  private final Counter greetings;

  public GreeterMetrics(MeterRegistry registry) {
    greetings = Counter.builder("greeter.greetings")
        .description("Greetings written in full to a client")
        .register(registry);
  }

  /**
   * A registry with the process figures Prometheus users expect: {@code process_cpu_seconds_total} (instead of
   * Micrometer's nanosecond {@code process_cpu_time_ns_total}) and open file descriptors.
   */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("CPU time used by the process, user and system")
          .register(registry);
    }
    new FileDescriptorMetrics().bindTo(registry);
    return registry;
  }

  public void greeted() {
    greetings.increment();
  }
}
