package dev.greetprobe.greeter;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What the greeter's tests share: waiting on Vert.x futures, reading metrics as Prometheus shows them, free ports. */
public final class GreeterTests {

  private GreeterTests() {
  }

  public static <T> T join(Future<T> future) throws Exception {
    return join(future, Duration.ofSeconds(30));
  }

  public static <T> T join(Future<T> future, Duration timeout) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The sum of every series of {@code name} in the registry's Prometheus text. */
  public static double metric(PrometheusMeterRegistry registry, String name) {
    return registry.scrape().lines()
        .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
