package dev.greetprobe.probe.net;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.net.InetSocketAddress;

/**
 * One probe's TCP connection, as {@link TcpProber} drives it: connect, read when asked, close. What the peer does comes
 * back to the {@link Listener} on the probe's context.
 */
public interface TcpConnection {

  /** Succeeds once connected; fails with the reason the connection could not be made. */
  Future<Void> connect(InetSocketAddress remote);

  /**
   * Asks for what the peer sends next: a {@link Listener} event answers. (A TLS connection also passes on what comes
   * unasked, such as a server's greeting in the handshake's last read, or an alert after it.)
   */
  void read();

  /** Closes the connection; no event follows. */
  void close();

  /** Receives what the peer does, on the probe's context. */
  interface Listener {

    /** Bytes the peer sent; {@code chunk} is released after the call. */
    void received(ByteBuf chunk);

    void closedByPeer();

    void failed(Throwable cause);
  }

  /** Makes the connections of a transport of its own, such as {@code epoll}'s bare sockets, on a probe's context. */
  @FunctionalInterface
  interface Opener {

    TcpConnection open(Context context, Listener listener);
  }
}
