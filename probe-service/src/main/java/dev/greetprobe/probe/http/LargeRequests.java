package dev.greetprobe.probe.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pages that each take a worker and a share of the heap while they are made and sent ({@code /targets}, the status
 * page): at most {@link #MAX} at once, one past them refused at once with 429, so that clients asking for many cannot
 * take the heap the targets need. The heap budget a config is checked against counts {@link #MAX} of the larger.
 */
final class LargeRequests {

  static final int MAX = 4;

  private final AtomicInteger running = new AtomicInteger();

  boolean tryEnter() {
    if (running.incrementAndGet() > MAX) {
      running.decrementAndGet();
      return false;
    }
    return true;
  }

  void exit() {
    running.decrementAndGet();
  }
}
