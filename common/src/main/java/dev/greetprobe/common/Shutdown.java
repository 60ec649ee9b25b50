package dev.greetprobe.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM or Ctrl-C stops the service, then Vert.x, and exits 0; 1 when either does not finish in time. Handling the
 * signal (instead of a shutdown hook) is what lets the exit code be 0, as Kubernetes and the docs expect.
 */
public final class Shutdown {

  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  /** A second signal during shutdown (Ctrl-C twice, or TERM to a whole process group) must not start it again. */
  private static final AtomicBoolean stopping = new AtomicBoolean();

  private Shutdown() {
  }

  /** On SIGTERM or SIGINT: {@code stopService}, waited for up to {@code timeout}, then closes {@code vertx}. */
  public static void onSignals(Vertx vertx, Supplier<Future<?>> stopService, Duration timeout) {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> stop(vertx, stopService, timeout));
    }
  }

  private static void stop(Vertx vertx, Supplier<Future<?>> stopService, Duration timeout) {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    int code = 0;
    try {
      stopService.get().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      log.info("stopped");
    } catch (Exception e) {
      log.error("unclean shutdown: {}", e.toString());
      code = 1;
    }
    System.exit(code);
  }
}
