package dev.greetprobe.probe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A probe's connection as a Netty channel on the probe's event loop: what TLS and sending need, and what runs where
 * Linux's epoll does not. It reads only when asked ({@code AUTO_READ} off) and has no timer of Netty's own: the
 * probe's deadline bounds the connect and the handshake. What arrives unasked (a TLS server's greeting in the
 * handshake's last read, a TLS 1.3 alert after it) is passed on all the same.
 */
final class ChannelConnection extends ChannelInboundHandlerAdapter implements TcpConnection {

  private final Channel channel;
  private final ContextInternal context;
  private final Listener listener;
  private boolean closed;

  ChannelConnection(Channel channel, ContextInternal context, Listener listener) {
    this.channel = channel;
    this.context = context;
    this.listener = listener;
  }

  @Override
  public Future<Void> connect(InetSocketAddress remote) {
    channel.config().setAutoRead(false);
    channel.config().setConnectTimeoutMillis(0);
    channel.pipeline().addLast(this);
    PromiseInternal<Void> connected = context.promise();
    context.nettyEventLoop().register(channel).addListener(registered -> {
      if (registered.isSuccess()) {
        channel.connect(remote).addListener(connected);
      } else {
        connected.fail(registered.cause());
      }
    });
    return connected;
  }

  /**
   * Shakes hands as a client of {@code serverName}, which the engine also sends as SNI and verifies the certificate
   * against; succeeds with the earliest expiry in the server's chain (null when it sent none).
   */
  Future<Instant> handshake(SslContext ssl, String serverName, int port) {
    SslHandler handler = ssl.newHandler(channel.alloc(), serverName, port);
    handler.setHandshakeTimeoutMillis(0);
    channel.pipeline().addFirst(handler);
    PromiseInternal<Channel> handshaken = context.promise();
    handler.handshakeFuture().addListener(handshaken);
    return handshaken.map(c -> earliestExpiry(handler));
  }

  void write(String text) {
    channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), text));
  }

  @Override
  public void read() {
    channel.read();
  }

  @Override
  public void close() {
    closed = true;
    channel.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf chunk = (ByteBuf) msg;
    try {
      if (!closed) {
        listener.received(chunk);
      }
    } finally {
      chunk.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!closed) {
      listener.closedByPeer();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!closed) {
      listener.failed(cause);
    }
  }

  private static Instant earliestExpiry(SslHandler handler) {
    try {
      return Arrays.stream(handler.engine().getSession().getPeerCertificates())
          .filter(X509Certificate.class::isInstance)
          .map(c -> ((X509Certificate) c).getNotAfter().toInstant())
          .min(Instant::compareTo)
          .orElse(null);
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
