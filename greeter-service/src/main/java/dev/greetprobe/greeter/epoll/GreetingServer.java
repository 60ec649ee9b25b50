package dev.greetprobe.greeter.epoll;

import dev.greetprobe.common.NativeEpoll;
import dev.greetprobe.greeter.admission.AdmissionControl;
import dev.greetprobe.greeter.admission.OpenConnections;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.greeter.metrics.GreeterMetrics;
import dev.greetprobe.greeter.pipeline.EventLoops;
import dev.greetprobe.greeter.pipeline.GreetingHandler;
import dev.greetprobe.greeter.pipeline.ProxyHeaderReader;
import dev.greetprobe.greeter.tls.TlsCertificates;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The greeting port on the {@code epoll} transport, on Vert.x's own event loops: every event loop gets a listening
 * socket of its own on the port ({@code SO_REUSEPORT}); the kernel spreads new connections over them, and each
 * connection is accepted, greeted and closed by the loop that owns its listener, with no hand-off between threads.
 * (Vert.x's {@code NetServer} accepts every connection on one acceptor thread and hands it to a loop: that wake-up per
 * connection cost more CPU than the greeting itself.) A plain greeting's listeners are bare sockets that greet each
 * connection as they accept it ({@link DirectListener}); TLS, the PROXY protocol and long greetings take Netty's
 * epoll listening channel and the channel pipeline ({@link GreetingHandler}). Without Linux's native epoll it refuses
 * to start.
 */
final class GreetingServer {

  private static final Logger log = LoggerFactory.getLogger(GreetingServer.class);

  /**
   * Connections a listener whose clients stay on its loop (TLS, PROXY headers, long greetings) takes from its queue
   * each time the loop finds it ready. Netty 4.2's epoll listener stops after one: on a loop busy with handshakes, each
   * turn then took one client, and the queue outgrew what the loop took while clients waited for a greeting. A plain
   * greeting's loop has nothing else to do and comes round at once, so its {@link DirectListener} takes one a turn:
   * reading on to the empty queue would cost one more system call per connection with one client at a time.
   */
  static final int ACCEPTS_PER_TURN = 16;

  private final Vertx vertx;
  private final InetSocketAddress address;
  private final GreeterConfig.Listening config;
  private final OpenConnections connections;
  private final ChannelHandler connectionHandler;
  private final DirectGreeter directGreeter;
  private final boolean readsFromClients;
  private final List<Listener> listeners = new ArrayList<>();

  /** One listening socket on the greeting port. */
  interface Listener {

    /** Closes the socket; completes once it is closed. */
    Future<Void> stopAccepting();
  }

  GreetingServer(Vertx vertx, InetSocketAddress address, GreeterConfig.Listening config,
      GreeterConfig.Connection connection, GreeterMetrics metrics, AdmissionControl admission,
      OpenConnections connections, TlsCertificates tls) {
    this.vertx = vertx;
    this.address = address;
    this.config = config;
    this.connections = connections;
    GreetingHandler greeting = new GreetingHandler(connection, metrics, admission, connections, tls);
    // A plain greeting needs nothing from the client: its connections are never watched for reads, which saves an
    // epoll_ctl call per connection. A PROXY header or a TLS handshake must be read.
    this.readsFromClients = connection.proxyProtocol() || tls != null;
    this.directGreeter = readsFromClients || connection.greeting().length > DirectGreeter.MAX_GREETING_BYTES ? null
        : new DirectGreeter(connection.greeting(), metrics, admission);
    long headerTimeout = connection.handshakeTimeout().toMillis();
    this.connectionHandler = !connection.proxyProtocol() ? greeting : new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel channel) {
        channel.pipeline()
            .addLast(new HAProxyMessageDecoder(ProxyHeaderReader.MAX_TLV_BYTES),
                new ProxyHeaderReader(headerTimeout, metrics), greeting);
      }
    };
  }

  /**
   * Binds the listeners; fails, naming the address, when the port is taken or cannot be bound, and saying why, when
   * this Vert.x does not run on Linux's native epoll.
   */
  Future<Void> listen() {
    Optional<String> refusal = NativeEpoll.refusal(vertx);
    if (refusal.isPresent()) {
      return Future.failedFuture(new IllegalStateException(refusal.get()));
    }
    List<IoEventLoop> loops = EventLoops.of(vertx);
    int count = config.listeners() > 0 ? config.listeners() : loops.size();
    List<Future<Listener>> bound = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      IoEventLoop loop = loops.get(i % loops.size());
      if (directGreeter != null) {
        bound.add(DirectListener.open(loop, address, config.backlog(), directGreeter));
        continue;
      }
      ServerBootstrap bootstrap = new ServerBootstrap()
          .group(loop, loop)
          .channel(EpollServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, config.backlog())
          .option(ChannelOption.SO_REUSEADDR, true)
          .option(ChannelOption.RCVBUF_ALLOCATOR, acceptsInBatches())
          .childOption(ChannelOption.AUTO_READ, readsFromClients)
          .childHandler(connectionHandler)
          .option(EpollChannelOption.SO_REUSEPORT, true);
      bound.add(listening(bootstrap.bind(address)));
    }
    return Future.all(bound).<Void>mapEmpty().recover(failed -> {
      bound.stream().filter(Future::succeeded).forEach(f -> f.result().stopAccepting());
      return Future.failedFuture(new IOException("cannot listen on " + config.host() + ":" + address.getPort() + ": "
          + failed.getMessage(), failed));
    }).onSuccess(v -> {
      bound.forEach(f -> listeners.add(f.result()));
      log.info(directGreeter != null ? "epoll transport: {} bare listening sockets greet as they accept"
          : "epoll transport: {} Netty epoll listeners, as TLS, a PROXY header or a greeting over "
              + DirectGreeter.MAX_GREETING_BYTES + " bytes needs a channel per connection", count);
    });
  }

  /** Accepts until the queue is empty or {@link #ACCEPTS_PER_TURN} are taken, whatever the transport guesses. */
  private static RecvByteBufAllocator acceptsInBatches() {
    DefaultMaxMessagesRecvByteBufAllocator accepts =
        new ServerChannelRecvByteBufAllocator().respectMaybeMoreData(false);
    accepts.maxMessagesPerRead(ACCEPTS_PER_TURN);
    return accepts;
  }

  /** Stops accepting, then gives the connections in flight {@code timeout} to finish before closing them. */
  Future<Void> shutdown(Duration timeout) {
    List<Future<Void>> closed = listeners.stream().map(Listener::stopAccepting).toList();
    listeners.clear();
    return Future.join(closed)
        .transform(v -> connections.drain(vertx, timeout, channel -> ((Channel) channel).close()));
  }

  /** A bound listening channel, as a {@link Listener}. */
  private static Future<Listener> listening(ChannelFuture bind) {
    return done(bind).map(v -> () -> done(bind.channel().close()));
  }

  /** Netty's {@code future} as a Vert.x one. */
  private static Future<Void> done(ChannelFuture future) {
    Promise<Void> done = Promise.promise();
    future.addListener(f -> {
      if (f.isSuccess()) {
        done.complete();
      } else {
        done.fail(f.cause());
      }
    });
    return done.future();
  }
}
