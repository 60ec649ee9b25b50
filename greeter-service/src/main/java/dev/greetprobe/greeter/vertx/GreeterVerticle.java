package dev.greetprobe.greeter.vertx;

import dev.greetprobe.greeter.admission.AdmissionControl;
import dev.greetprobe.greeter.admission.OpenConnections;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.greeter.metrics.GreeterMetrics;
import dev.greetprobe.greeter.metrics.Rejection;
import dev.greetprobe.greeter.pipeline.ConnectionStages;
import dev.greetprobe.greeter.pipeline.SharedGreeting;
import dev.greetprobe.greeter.pipeline.UnreadWrites;
import dev.greetprobe.greeter.tls.TlsCertificates;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * The greeting port on the {@code vertx} transport: a Vert.x {@code NetServer} on this verticle's event loop, one
 * verticle per loop sharing the port. Each connection is admitted in the connect handler, before anything is read
 * from it, then greeted and closed; with TLS or the PROXY protocol, {@link ConnectionStages} runs those stages first.
 */
public final class GreeterVerticle extends VerticleBase {

  private final GreeterConfig.Listening config;
  private final int port;
  private final GreeterMetrics metrics;
  private final AdmissionControl admission;
  private final OpenConnections connections;
  private final ConnectionStages stages;
  private final Buffer greeting;
  private final long writeTimeoutMillis;
  private NetServer server;

  /** Listens on {@code port}, which the caller has claimed, so that port 0 is one port for every instance. */
  public GreeterVerticle(int port, GreeterConfig.Listening config, GreeterConfig.Connection connection,
      GreeterMetrics metrics, AdmissionControl admission, OpenConnections connections, TlsCertificates tls) {
    this.config = config;
    this.port = port;
    this.metrics = metrics;
    this.admission = admission;
    this.connections = connections;
    this.stages = tls != null || connection.proxyProtocol()
        ? new ConnectionStages(connection, metrics, admission, connections, tls) : null;
    this.greeting = SharedGreeting.of(connection.greeting());
    this.writeTimeoutMillis = connection.writeTimeout().toMillis();
  }

  @Override
  public Future<?> start() {
    server = vertx.createNetServer(new NetServerOptions().setAcceptBacklog(config.backlog()))
        .connectHandler(stages == null ? this::greet : stages::adopt);
    return server.listen(port, config.host());
  }

  /** Stops accepting, then gives connections in flight the drain timeout to finish before closing them. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void greet(NetSocket socket) {
    metrics.accepted();
    connections.opened(socket);
    socket.closeHandler(closed -> connections.closed(socket));
    // A greeter reads nothing: whatever a client sends is dropped.
    socket.handler(ignored -> { });
    if (!admission.admit(client(socket.remoteAddress()))) {
      socket.close();
      return;
    }
    Future<Void> write = socket.write(greeting);
    // A greeting the kernel took at once needs no timer: only a client that leaves it unread can hold it.
    long timer = write.isComplete() ? -1 : vertx.setTimer(writeTimeoutMillis, fired -> {
      metrics.rejected(Rejection.WRITE_TIMEOUT, socket.remoteAddress(), "greeting unread after " + writeTimeoutMillis
          + " ms");
      UnreadWrites.drop(socket);
    });
    write.onComplete(written -> {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      if (written.succeeded()) {
        metrics.greeted();
      }
      socket.close();
    });
  }

  /** The client's address, from the literal Vert.x gives: nothing is looked up. */
  private static InetSocketAddress client(SocketAddress address) {
    try {
      return new InetSocketAddress(InetAddress.getByName(address.hostAddress()), address.port());
    } catch (UnknownHostException notALiteral) {
      throw new IllegalStateException("Vert.x gave a peer address that is not a literal: " + address, notALiteral);
    }
  }
}
