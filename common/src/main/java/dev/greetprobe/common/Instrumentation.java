package dev.greetprobe.common;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** The metrics registry and the instrumented Vert.x that both services run on; {@link OpsRoutes} serves them. */
public final class Instrumentation {

  private Instrumentation() {
  }

  /**
   * A registry with the process figures Prometheus users expect: {@code process_cpu_seconds_total} (instead of
   * Micrometer's nanosecond {@code process_cpu_time_ns_total}) and open file descriptors. The services' histograms are
   * the Prometheus client's (Micrometer's cannot be native), registered in {@link
   * PrometheusMeterRegistry#getPrometheusRegistry()} with a {@link Histograms#builder}, so one scrape holds both.
   */
  public static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Micrometer's names that break Prometheus conventions (promtool check metrics flags them) are replaced.
    registry.config()
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("jvm.compilation.time")))
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
          }
        });
    CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
    if (compilation != null && compilation.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder("jvm.compilation", compilation, bean -> bean.getTotalCompilationTime() / 1e3)
          .baseUnit("seconds")
          .description("Time the JIT compiler spent compiling")
          .register(registry);
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("CPU time used by the process, user and system")
          .register(registry);
    }
    new FileDescriptorMetrics().bindTo(registry);
    return registry;
  }

  /**
   * A Vert.x instance of {@link EventLoopPool#PER_CORE} loops whose metrics (JVM ones included) land in
   * {@code registry}; on Linux's native epoll transport, without the socket options that restate what a new socket
   * already is ({@link LeanNativeTransport}), when {@code nativeTransport} is set and the platform has it.
   */
  public static Vertx vertx(PrometheusMeterRegistry registry, boolean nativeTransport) {
    VertxOptions options = new VertxOptions()
        .setEventLoopPoolSize(EventLoopPool.PER_CORE.size())
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
            // The probe counts its own connections (probe_*); Vert.x's client meters would repeat them, looked up and
            // updated on every probe. The greeter's NetServer meters (vertx_net_server_*) are part of its contract.
            .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT));
    VertxBuilder builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    if (nativeTransport) {
      builder.withTransport(LeanNativeTransport.onThisPlatform());
    }
    return builder.build();
  }
}
