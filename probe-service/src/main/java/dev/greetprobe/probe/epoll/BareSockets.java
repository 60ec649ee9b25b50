package dev.greetprobe.probe.epoll;

import dev.greetprobe.common.NativeEpoll;
import dev.greetprobe.probe.net.TcpConnection;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;

/**
 * The {@code epoll} transport's way in: plain connections as bare sockets on the event loops' own epoll
 * ({@link SocketConnection}). This package is the only one that reaches below Vert.x's public API.
 */
public final class BareSockets {

  private BareSockets() {
  }

  /** A plain connection on {@code context}'s event loop, which must run Linux's epoll (see {@link NativeEpoll}). */
  public static TcpConnection connection(Context context, TcpConnection.Listener listener) {
    return new SocketConnection((ContextInternal) context, listener);
  }
}
