package dev.greetprobe.probe;

import static dev.greetprobe.testkit.Futures.join;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.function.Consumer;

/** Real TCP servers on loopback that misbehave in the ways probes must tell apart. */
public final class TestServers {

  private TestServers() {
  }

  /** Accepts and never writes. */
  public static NetServer silent(Vertx vertx) throws Exception {
    return listen(vertx, socket -> { });
  }

  /** Accepts and closes at once, writing nothing. */
  public static NetServer closing(Vertx vertx) throws Exception {
    return listen(vertx, NetSocket::close);
  }

  /** Writes {@code text} after {@code delay}, then closes. */
  public static NetServer delayed(Vertx vertx, String text, Duration delay) throws Exception {
    Buffer bytes = Buffer.buffer(text);
    if (delay.isZero()) {
      return listen(vertx, socket -> socket.end(bytes));
    }
    return listen(vertx, socket -> vertx.setTimer(delay.toMillis(), id -> socket.end(bytes)));
  }

  /** Writes back whatever it receives. */
  public static NetServer echo(Vertx vertx) throws Exception {
    return listen(vertx, socket -> socket.handler(socket::write));
  }

  public static NetServer listen(Vertx vertx, Consumer<NetSocket> onConnect) throws Exception {
    return listen(vertx, new NetServerOptions(), onConnect);
  }

  public static NetServer listen(Vertx vertx, NetServerOptions options, Consumer<NetSocket> onConnect)
      throws Exception {
    if (options.getHost().equals(NetServerOptions.DEFAULT_HOST)) {
      options.setHost("127.0.0.1");
    }
    NetServer server = vertx.createNetServer(options.setPort(0)).connectHandler(onConnect::accept);
    return join(server.listen());
  }
}
