package dev.greetprobe.greeter.pipeline;

import dev.greetprobe.greeter.metrics.GreeterMetrics;
import dev.greetprobe.greeter.metrics.Rejection;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Follows Netty's PROXY protocol decoder on one connection: tells the greeting handler which client the header names
 * (a {@link ProxiedClient} event), or closes the connection and counts why: a malformed header, or none in time.
 * One per connection, as it holds that connection's timer.
 */
public final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {

  /**
   * The longest TLV section kept of a v2 header: room for what load balancers send (their endpoint IDs, TLS details),
   * while a header that claims up to 64 KiB is refused as soon as its length is read, instead of being buffered.
   */
  public static final int MAX_TLV_BYTES = 2048;

  /** The client a PROXY header named; the connection's own peer for a header without one (LOCAL, UNKNOWN, UNIX). */
  record ProxiedClient(InetSocketAddress address) {
  }

  private final long timeoutMillis;
  private final GreeterMetrics metrics;
  private ScheduledFuture<?> timeout;
  private boolean malformed;

  public ProxyHeaderReader(long timeoutMillis, GreeterMetrics metrics) {
    this.timeoutMillis = timeoutMillis;
    this.metrics = metrics;
  }

  /**
   * Waits for the header only once the greeting handler has let the connection wait for it: a connection it refused
   * (an untrusted proxy, too many connections) is closed already and counted under that reason, and would otherwise
   * be counted again as a client that closed before its header.
   */
  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.fireChannelActive();
    if (!ctx.channel().isOpen()) {
      return;
    }
    timeout = ctx.executor().schedule(() -> {
      metrics.rejected(Rejection.TIMEOUT, ctx.channel().remoteAddress(), "no PROXY header in " + timeoutMillis + " ms");
      ctx.close();
    }, timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HAProxyMessage header)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (timeout != null) {
        timeout.cancel(false);
      }
      ctx.pipeline().remove(this);
      ctx.fireUserEventTriggered(new ProxiedClient(client(header, (InetSocketAddress) ctx.channel().remoteAddress())));
    } finally {
      header.release();
    }
  }

  /** A malformed header: the decoder has closed the connection, and may report it again as the connection ends. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof HAProxyProtocolException) || timeout == null) {
      ctx.fireExceptionCaught(cause);
    } else if (!malformed) {
      malformed = true;
      timeout.cancel(false);
      metrics.rejected(Rejection.PROXY_PROTOCOL, ctx.channel().remoteAddress(), cause.getMessage());
      ctx.close();
    }
  }

  /** Still here as the connection closes: the client left before its header was complete. */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timeout != null && timeout.cancel(false)) {
      metrics.rejected(Rejection.CLIENT_CLOSED, ctx.channel().remoteAddress(), "closed before its PROXY header");
    }
    ctx.fireChannelInactive();
  }

  private static InetSocketAddress client(HAProxyMessage header, InetSocketAddress peer) {
    // Any IP family names its client, UDP as much as TCP; UNKNOWN and UNIX name no address to admit, so the proxy's own
    // connection stands for them.
    HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
    boolean ip = family == HAProxyProxiedProtocol.AddressFamily.AF_IPv4
        || family == HAProxyProxiedProtocol.AddressFamily.AF_IPv6;
    if (header.command() != HAProxyCommand.PROXY || !ip) {
      return peer;
    }
    InetAddress source = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
    return source == null ? peer : new InetSocketAddress(source, header.sourcePort());
  }
}
