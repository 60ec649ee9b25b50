package dev.greetprobe.greeter.pipeline;

import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * Ends a connection whose client does not read what is written to it. {@code NetSocket.close()}, and a close of its
 * channel, pass through Vert.x's handler, which first waits for the queued writes to go out, and such a client never
 * lets that happen; a close started from that handler's context goes to the socket ahead of it, dropping them.
 */
public final class UnreadWrites {

  private UnreadWrites() {
  }

  public static void drop(NetSocket socket) {
    ((NetSocketInternal) socket).channelHandlerContext().close();
  }
}
