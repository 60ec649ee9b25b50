package dev.greetprobe.greeter;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes the greeting to a new connection and closes it once the bytes are flushed. */
public final class GreetingHandler implements Handler<NetSocket> {

  private static final Logger log = LoggerFactory.getLogger(GreetingHandler.class);

  // One buffer for every connection: Vert.x writes a slice of it, so it is never copied or consumed.
  private final Buffer greeting;
  private final GreeterMetrics metrics;
  private final boolean logConnections;

  public GreetingHandler(String greeting, GreeterMetrics metrics, boolean logConnections) {
    this.greeting = Buffer.buffer(greeting.getBytes(StandardCharsets.UTF_8));
    this.metrics = metrics;
    this.logConnections = logConnections;
  }

  @Override
  public void handle(NetSocket socket) {
    if (logConnections) {
      log.info("Got connection from {}", socket.remoteAddress());
    }
    // end() closes the socket after the write is flushed; it succeeds only if the client got every byte.
    socket.end(greeting).onSuccess(v -> metrics.greeted());
  }
}
