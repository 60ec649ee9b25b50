package dev.greetprobe.probe.http;

import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pages that each take a worker and a share of the heap while they are made and sent ({@code /targets}, the status
 * page): at most {@link #MAX} at once, one past them refused at once with 429, so that clients asking for many cannot
 * take the heap the targets need. The heap budget a config is checked against counts {@link #MAX} of the larger.
 */
final class LargeRequests {

  static final int MAX = 4;

  private final AtomicInteger running = new AtomicInteger();

  /** Enters, or answers {@code ctx} 429 and stays out. */
  boolean admit(RoutingContext ctx) {
    if (running.incrementAndGet() > MAX) {
      running.decrementAndGet();
      ProbeHttpServer.text(ctx, 429, MAX + " pages of /targets or / are being sent; try again later");
      return false;
    }
    return true;
  }

  void exit() {
    running.decrementAndGet();
  }
}
