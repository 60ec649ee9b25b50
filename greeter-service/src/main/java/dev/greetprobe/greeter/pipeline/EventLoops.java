package dev.greetprobe.greeter.pipeline;

import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;

/**
 * Vert.x's event loops as Netty's, for a transport that listens on them with sockets of its own: Vert.x's public API
 * runs code on a loop but does not hand the loop over, and a listener registered there is served by the same threads
 * as every verticle, with no hand-off between threads.
 */
public final class EventLoops {

  private EventLoops() {
  }

  public static List<IoEventLoop> of(Vertx vertx) {
    List<IoEventLoop> loops = new ArrayList<>();
    for (EventExecutor executor : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops.add((IoEventLoop) executor);
    }
    return loops;
  }
}
