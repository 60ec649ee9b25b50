package dev.greetprobe.greeter.pipeline;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The greeting for the {@code vertx} transport's writes: one direct buffer, never written after it is made, that
 * every connection's write takes a slice of. A Vert.x buffer of bytes is on the heap, and the native transport copies
 * a heap buffer into a direct one for each write until the client has read it all, so each client that reads slowly
 * held a copy of the whole greeting.
 */
public final class SharedGreeting {

  private SharedGreeting() {
  }

  public static Buffer of(byte[] greeting) {
    return BufferInternal.buffer(Unpooled.unreleasableBuffer(
        Unpooled.directBuffer(greeting.length).writeBytes(greeting)));
  }
}
