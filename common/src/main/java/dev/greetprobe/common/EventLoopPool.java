package dev.greetprobe.common;

/**
 * How many event loops a Vert.x runs: what {@link Instrumentation#vertx} builds the services' Vert.x with, and what
 * spreads work over them one piece per loop (the probe's verticles, the greeter's listeners).
 */
public record EventLoopPool(int size) {

  /**
   * One event loop per core, not Vert.x's default of two: these services only do I/O, and fewer loops means fewer
   * thread switches, which the greeter's CPU per connection shows.
   */
  public static final EventLoopPool PER_CORE = new EventLoopPool(Runtime.getRuntime().availableProcessors());

  public EventLoopPool {
    if (size < 1) {
      throw new IllegalArgumentException("an event loop pool holds at least one loop, not " + size);
    }
  }
}
