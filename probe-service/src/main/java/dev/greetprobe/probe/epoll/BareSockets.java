package dev.greetprobe.probe.epoll;

import dev.greetprobe.probe.net.TcpConnection;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * The {@code epoll} transport's way in: plain connections as bare sockets on the event loops' own epoll
 * ({@link SocketConnection}). This package is the only one that reaches below Vert.x's public API.
 */
public final class BareSockets {

  private BareSockets() {
  }

  /** Why {@code vertx}'s event loops cannot run bare sockets, or null when they can. */
  public static String unavailable(Vertx vertx) {
    if (!vertx.isNativeTransportEnabled()) {
      Throwable cause = vertx.unavailableNativeTransportCause();
      return "Vert.x runs without its native transport" + (cause == null ? "" : " (" + cause.getMessage() + ")");
    }
    ContextInternal context = ((ContextInternal) vertx.getOrCreateContext());
    EventLoop loop = context.nettyEventLoop();
    if (!(loop instanceof IoEventLoop io) || !io.isCompatible(EpollIoHandle.class)) {
      return "Vert.x's event loops do not run Linux's epoll";
    }
    return null;
  }

  /** A plain connection on {@code context}'s event loop, which must run Linux's epoll (see {@link #unavailable}). */
  public static TcpConnection connection(Context context, TcpConnection.Listener listener) {
    return new SocketConnection((ContextInternal) context, listener);
  }
}
