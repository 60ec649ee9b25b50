package dev.greetprobe.greeter;

import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a new connection (or closes it with the reason counted), shakes hands over TLS when configured, writes the
 * greeting and closes once the bytes are flushed.
 */
public final class GreetingHandler implements Handler<NetSocket> {

  private static final Logger log = LoggerFactory.getLogger(GreetingHandler.class);

  // One buffer for every connection: Vert.x writes a slice of it, so it is never copied or consumed.
  private final Buffer greeting;
  private final GreeterMetrics metrics;
  private final AdmissionControl admission;
  private final TlsCertificates tls;
  private final long handshakeTimeoutMillis;
  private final boolean logConnections;
  // Made once, not per connection: this is the hot path.
  private final Handler<Void> countGreeting;
  private final Handler<Void> releaseSlot;

  public GreetingHandler(String greeting, GreeterMetrics metrics, AdmissionControl admission, TlsCertificates tls,
      long handshakeTimeoutMillis, boolean logConnections) {
    this.greeting = Buffer.buffer(greeting.getBytes(StandardCharsets.UTF_8));
    this.metrics = metrics;
    this.admission = admission;
    this.tls = tls;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    this.logConnections = logConnections;
    this.countGreeting = v -> metrics.greeted();
    this.releaseSlot = v -> admission.release();
  }

  @Override
  public void handle(NetSocket socket) {
    Rejection refused = admission.admit(socket.remoteAddress());
    if (refused != null) {
      metrics.rejected(refused, socket.remoteAddress(), "closed before greeting");
      socket.close();
      return;
    }
    if (admission.countsConnections()) {
      socket.closeHandler(releaseSlot);
    }
    if (logConnections) {
      log.info("Got connection from {}", socket.remoteAddress());
    }
    if (tls == null) {
      greet(socket);
      return;
    }
    // TLS after admission, so a refused client costs no handshake and handshakes in progress count as connections.
    // The handler is called before the channel's first read, so the client's hello reaches the TLS handler.
    SslHandler ssl = tls.current().newHandler(((NetSocketInternal) socket).channelHandlerContext().alloc());
    ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
    ((NetSocketInternal) socket).channelHandlerContext().pipeline().addFirst("tls", ssl);
    socket.exceptionHandler(e -> { }); // a failed handshake is counted below; the socket closes either way
    ssl.handshakeFuture().addListener(done -> {
      if (done.isSuccess()) {
        greet(socket);
      } else {
        Rejection reason = done.cause() instanceof SslHandshakeTimeoutException ? Rejection.TIMEOUT : Rejection.TLS_HANDSHAKE;
        metrics.rejected(reason, socket.remoteAddress(), String.valueOf(done.cause().getMessage()));
        socket.close();
      }
    });
  }

  private void greet(NetSocket socket) {
    // end() closes the socket after the write is flushed; it succeeds only if the client got every byte.
    socket.end(greeting).onSuccess(countGreeting);
  }
}
