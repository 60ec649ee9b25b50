package dev.greetprobe.common;

import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import java.util.Optional;

/**
 * Whether a Vert.x runs on Linux's native epoll, which both services' {@code transport: epoll} needs, asked through
 * Vert.x's public API: a Vert.x that prefers its native transport, as {@link Instrumentation#vertx} builds it, runs on
 * the one {@link Transport#nativeTransport()} names, or on NIO when that one is not available.
 */
public final class NativeEpoll {

  private NativeEpoll() {
  }

  /** Why {@code vertx} does not run on epoll, as a start refuses {@code transport: epoll}; empty when it does. */
  public static Optional<String> refusal(Vertx vertx) {
    if (!vertx.isNativeTransportEnabled()) {
      return Optional.of(refusal(withoutNativeTransport(vertx.unavailableNativeTransportCause())));
    }
    return refusalHere();
  }

  /**
   * What {@link #refusal(Vertx)} says of a Vert.x that prefers its native transport on this machine, asked of the
   * transport it would choose, so that nothing is started.
   */
  public static Optional<String> refusalHere() {
    Transport transport = Transport.nativeTransport();
    if (transport == null || !transport.available()) {
      return Optional.of(refusal(withoutNativeTransport(transport == null ? null : transport.unavailabilityCause())));
    }
    return transport == Transport.EPOLL ? Optional.empty()
        : Optional.of(refusal("Vert.x's native transport here is " + transport.name()));
  }

  private static String withoutNativeTransport(Throwable cause) {
    return "Vert.x runs without its native transport" + (cause == null ? "" : " (" + cause.getMessage() + ")");
  }

  private static String refusal(String why) {
    return "transport: epoll needs Vert.x on Linux's native epoll transport, but " + why + "; use transport: vertx";
  }
}
