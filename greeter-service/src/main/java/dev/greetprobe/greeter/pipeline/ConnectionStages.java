package dev.greetprobe.greeter.pipeline;

import dev.greetprobe.greeter.admission.AdmissionControl;
import dev.greetprobe.greeter.admission.OpenConnections;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.greeter.metrics.GreeterMetrics;
import dev.greetprobe.greeter.tls.TlsCertificates;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * The PROXY header and TLS stages of a connection that Vert.x's {@code NetServer} accepted, run by the same Netty
 * handlers as on the {@code epoll} transport, inserted ahead of Vert.x's own handler through
 * {@link NetSocketInternal#channelHandlerContext()}, the hook Vert.x documents for reusing Netty codecs.
 *
 * <p>Vert.x's public API cannot keep admission ahead of the handshake: its TLS shakes hands before the connect
 * handler runs, and {@code NetSocket.upgradeToSsl} on a server loses a ClientHello that was read before its TLS
 * handler was in place (the first connection, whose TLS context Vert.x builds on a worker; every one whose hello came
 * with its PROXY header), and fails on every verticle but the first that shares the port. Vert.x's own PROXY stage
 * hides a connection until its header has arrived, so a stalled header could be neither counted nor limited.
 */
public final class ConnectionStages {

  private final GreetingHandler greeting;
  private final GreeterMetrics metrics;
  private final boolean proxyProtocol;
  private final long headerTimeoutMillis;

  public ConnectionStages(GreeterConfig.Connection config, GreeterMetrics metrics, AdmissionControl admission,
      OpenConnections connections, TlsCertificates tls) {
    this.greeting = new GreetingHandler(config, metrics, admission, connections, tls);
    this.metrics = metrics;
    this.proxyProtocol = config.proxyProtocol();
    this.headerTimeoutMillis = config.handshakeTimeout().toMillis();
  }

  /**
   * Takes over {@code socket} from its connect handler. Vert.x calls that while Netty registers the accepted channel,
   * before the channel's active event and before anything is read from it, so these handlers see the connection open
   * (and count and admit it, or start its header's timer) and its first bytes (a PROXY header, a ClientHello); nothing
   * it sends reaches Vert.x's handler.
   */
  public void adopt(NetSocket socket) {
    ChannelHandlerContext vertxHandler = ((NetSocketInternal) socket).channelHandlerContext();
    ChannelPipeline pipeline = vertxHandler.pipeline();
    if (proxyProtocol) {
      pipeline.addBefore(vertxHandler.name(), "proxy-decoder",
          new HAProxyMessageDecoder(ProxyHeaderReader.MAX_TLV_BYTES));
      pipeline.addBefore(vertxHandler.name(), "proxy-header", new ProxyHeaderReader(headerTimeoutMillis, metrics));
    }
    pipeline.addBefore(vertxHandler.name(), "greeting", greeting);
  }
}
