package dev.greetprobe.probe.net;

import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A probe's connection through its verticle's {@link NetClient}: plain, TLS and sending all go this way. The socket is
 * paused from the start and fetches one buffer per {@link #read()}, so the probe reads only what it asks for; the
 * probe's deadline bounds the connect and the handshake, the connect timeout being only the connection's own bound.
 */
final class NetSocketConnection implements TcpConnection {

  private final NetClient client;
  private final Listener listener;
  private final Duration timeout;
  /** The name the peer is known by: with TLS the engine's peer host, which it verifies the certificate against. */
  private final String peerName;
  private NetSocket socket;
  private boolean closed;

  /** {@code timeout} bounds the connect; {@code peerName} is null for a connection that stays plain. */
  NetSocketConnection(NetClient client, Listener listener, Duration timeout, String peerName) {
    this.client = client;
    this.listener = listener;
    this.timeout = timeout;
    this.peerName = peerName;
  }

  @Override
  public Future<Void> connect(InetSocketAddress remote) {
    ConnectOptions options = new ConnectOptions()
        .setRemoteAddress(SocketAddress.inetSocketAddress(named(remote)))
        .setTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    return client.connect(options).map(connected -> {
      if (closed) {
        connected.close();
        return null;
      }
      socket = connected;
      socket.pause();
      socket.handler(buffer -> {
        if (!closed) {
          listener.received(Unpooled.wrappedBuffer(buffer.getBytes()));
        }
      });
      socket.endHandler(v -> {
        if (!closed) {
          listener.closedByPeer();
        }
      });
      socket.exceptionHandler(e -> {
        if (!closed) {
          listener.failed(e);
        }
      });
      return null;
    });
  }

  /**
   * The address already resolved, carrying the target's name as well: the connect goes to the address without a
   * second lookup, and a TLS engine takes the name as the host it verifies.
   */
  private InetSocketAddress named(InetSocketAddress remote) {
    if (peerName == null) {
      return remote;
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(peerName, remote.getAddress().getAddress()), remote.getPort());
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible); // the address's own bytes are of a valid length
    }
  }

  /**
   * Shakes hands as a client of {@code serverName}, sent as SNI; succeeds with the earliest expiry in the server's
   * chain (null when it sent none).
   */
  Future<Instant> handshake(ClientSSLOptions ssl, String serverName) {
    return socket.upgradeToSsl(ssl, serverName).map(v -> earliestExpiry());
  }

  void write(String text) {
    socket.write(text);
  }

  @Override
  public void read() {
    socket.fetch(1);
  }

  @Override
  public void close() {
    closed = true;
    if (socket != null) {
      socket.close();
    }
  }

  private Instant earliestExpiry() {
    try {
      return socket.peerCertificates().stream()
          .filter(X509Certificate.class::isInstance)
          .map(c -> ((X509Certificate) c).getNotAfter().toInstant())
          .min(Instant::compareTo)
          .orElse(null);
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
