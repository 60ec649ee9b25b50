package dev.greetprobe.greeter.admission;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The greeting connections open now, on every event loop, whatever object a transport holds them by: their number is
 * the active-connections gauge and the maximum-connections limit, and a drain waits for them to close (or closes them
 * when its time is up).
 */
public final class OpenConnections {

  private final Set<Object> open = ConcurrentHashMap.newKeySet();
  private volatile Promise<Void> drained;

  public void opened(Object connection) {
    open.add(connection);
  }

  public void closed(Object connection) {
    open.remove(connection);
    Promise<Void> waiting = drained;
    if (waiting != null && open.isEmpty()) {
      waiting.tryComplete();
    }
  }

  public int count() {
    return open.size();
  }

  /**
   * Completes when the last connection has closed, or after {@code timeout}, when those still open are closed by
   * {@code close}. Call it once no new connection can arrive.
   */
  public Future<Void> drain(Vertx vertx, Duration timeout, Consumer<Object> close) {
    Promise<Void> promise = Promise.promise();
    drained = promise;
    if (open.isEmpty()) {
      promise.tryComplete();
      return promise.future();
    }
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
      open.forEach(close);
      promise.tryComplete();
    });
    return promise.future().onComplete(done -> vertx.cancelTimer(timer));
  }
}
