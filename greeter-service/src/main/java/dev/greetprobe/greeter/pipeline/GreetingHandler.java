package dev.greetprobe.greeter.pipeline;

import dev.greetprobe.greeter.admission.AdmissionControl;
import dev.greetprobe.greeter.admission.OpenConnections;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.greeter.metrics.GreeterMetrics;
import dev.greetprobe.greeter.metrics.Rejection;
import dev.greetprobe.greeter.tls.TlsCertificates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a new connection (or closes it with the reason counted), shakes hands over TLS when configured, writes the
 * greeting and closes once the bytes are written. One instance serves every connection: nothing is allocated per
 * connection on the plain path but what Netty needs to write.
 */
@ChannelHandler.Sharable
public final class GreetingHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(GreetingHandler.class);

  // One buffer for every connection: each write sends a duplicate of it, so it is never copied, consumed or freed.
  private final ByteBuf greeting;
  private final GreeterMetrics metrics;
  private final AdmissionControl admission;
  private final OpenConnections connections;
  private final TlsCertificates tls;
  private final boolean proxyProtocol;
  private final long handshakeTimeoutMillis;
  private final long writeTimeoutMillis;
  // Made once, not per connection: this is the hot path.
  private final ChannelFutureListener closeAfterGreeting;

  public GreetingHandler(GreeterConfig.Connection config, GreeterMetrics metrics, AdmissionControl admission,
      OpenConnections connections, TlsCertificates tls) {
    byte[] bytes = config.greeting();
    this.greeting = Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
    this.metrics = metrics;
    this.admission = admission;
    this.connections = connections;
    this.tls = tls;
    this.proxyProtocol = config.proxyProtocol();
    this.handshakeTimeoutMillis = config.handshakeTimeout().toMillis();
    this.writeTimeoutMillis = config.writeTimeout().toMillis();
    this.closeAfterGreeting = written -> {
      // Written means the kernel took every byte before the close, which sends them ahead of the FIN.
      if (written.isSuccess()) {
        metrics.greeted();
      }
      written.channel().close();
    };
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    connections.opened(ctx.channel());
    metrics.accepted();
    InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
    if (!proxyProtocol) {
      admit(ctx, peer);
    } else if (!admission.admitProxy(peer)) {
      ctx.close();
    }
  }

  /** With the PROXY protocol on, the client is known once its header has been read. */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ProxyHeaderReader.ProxiedClient client) {
      admit(ctx, client.address());
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connections.closed(ctx.channel());
    // On the vertx transport Vert.x's handler follows, and learns here that its connection is gone.
    ctx.fireChannelInactive();
  }

  /** A greeter reads nothing: whatever a client sends is dropped. */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset by the client, or a TLS failure that the handshake listener counts: nothing to do but close.
    log.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private void admit(ChannelHandlerContext ctx, InetSocketAddress client) {
    if (!admission.admit(client)) {
      ctx.close();
      return;
    }
    if (tls == null) {
      greet(ctx);
      return;
    }
    // TLS after admission, so a refused client costs no handshake. Placed just ahead of this handler, so the client's
    // hello (and, after a PROXY header, the bytes the header decoder held back) reaches it.
    SslHandler ssl = tls.current().newHandler(ctx.alloc());
    ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
    ctx.pipeline().addBefore(ctx.name(), "tls", ssl);
    ssl.handshakeFuture().addListener(done -> {
      if (done.isSuccess()) {
        greet(ctx);
      } else {
        // A handshake cut short by the client fails once the connection is gone; ours are refused while it is open.
        Rejection reason = done.cause() instanceof SslHandshakeTimeoutException ? Rejection.TIMEOUT
            : !ctx.channel().isActive() ? Rejection.CLIENT_CLOSED : Rejection.TLS_HANDSHAKE;
        metrics.rejected(reason, client, String.valueOf(done.cause().getMessage()));
        ctx.close();
      }
    });
  }

  private void greet(ChannelHandlerContext ctx) {
    ChannelFuture write = ctx.writeAndFlush(greeting.duplicate());
    if (!write.isDone()) {
      // Only a greeting the kernel did not take at once needs a timer: a client that leaves it unread would hold it.
      ScheduledFuture<?> timeout = ctx.executor().schedule(() -> {
        metrics.rejected(Rejection.WRITE_TIMEOUT, ctx.channel().remoteAddress(),
            "greeting unread after " + writeTimeoutMillis + " ms");
        ctx.close();
      }, writeTimeoutMillis, TimeUnit.MILLISECONDS);
      write.addListener(done -> timeout.cancel(false));
    }
    write.addListener(closeAfterGreeting);
  }
}
