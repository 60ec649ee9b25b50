package dev.greetprobe.testkit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on a Vert.x future from a test's own thread, never from an event loop. */
public final class Futures {

  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

  private Futures() {
  }

  /** The future's result; its failure is thrown, and a future not done within 30 s fails the test. */
  public static <T> T join(Future<T> future) throws InterruptedException, ExecutionException, TimeoutException {
    return join(future, DEFAULT_WAIT);
  }

  public static <T> T join(Future<T> future, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
