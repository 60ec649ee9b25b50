package dev.greetprobe.probe.epoll;

import dev.greetprobe.probe.net.TcpConnection;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.transport.Transport;

/**
 * The {@code epoll} transport's way in: plain connections as bare sockets on the event loops' own epoll
 * ({@link SocketConnection}). This package is the only one that reaches below Vert.x's public API.
 */
public final class BareSockets {

  private static final String NOT_EPOLL = "Vert.x's event loops do not run Linux's epoll";

  private BareSockets() {
  }

  /** Why {@code vertx}'s event loops cannot run bare sockets, or null when they can. */
  public static String unavailable(Vertx vertx) {
    if (!vertx.isNativeTransportEnabled()) {
      return withoutNativeTransport(vertx.unavailableNativeTransportCause());
    }
    ContextInternal context = ((ContextInternal) vertx.getOrCreateContext());
    EventLoop loop = context.nettyEventLoop();
    if (!(loop instanceof IoEventLoop io) || !io.isCompatible(EpollIoHandle.class)) {
      return NOT_EPOLL;
    }
    return null;
  }

  /**
   * What {@link #unavailable} would say of a Vert.x that prefers its native transport, as the probe's does, on this
   * machine, asked of the transport Vert.x would choose rather than of a Vert.x, so that nothing is started.
   */
  public static String unavailableHere() {
    Transport transport = Transport.nativeTransport();
    if (transport == null || !transport.available()) {
      return withoutNativeTransport(transport == null ? null : transport.unavailabilityCause());
    }
    return transport == Transport.EPOLL ? null : NOT_EPOLL;
  }

  private static String withoutNativeTransport(Throwable cause) {
    return "Vert.x runs without its native transport" + (cause == null ? "" : " (" + cause.getMessage() + ")");
  }

  /** A plain connection on {@code context}'s event loop, which must run Linux's epoll (see {@link #unavailable}). */
  public static TcpConnection connection(Context context, TcpConnection.Listener listener) {
    return new SocketConnection((ContextInternal) context, listener);
  }
}
