package dev.greetprobe.probe;

import dev.greetprobe.probe.ExpectMatcher.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * Probes a target over TCP: resolve the name, connect to the address, optionally shake hands over TLS with the host
 * name as SNI, optionally send text and read until {@code expect} matches. One deadline, the target's timeout, bounds
 * all of it; whatever phase it interrupts names the failure.
 *
 * <p>The connection is made on the probe's own event loop, with a socket of the address's own family: a bare socket
 * on Linux's epoll when the target neither uses TLS nor sends ({@link SocketConnection}), otherwise a Netty channel
 * ({@link ChannelConnection}). Vert.x's {@code NetClient} set six socket options on every connection, four of them to
 * the values they already had, and opened dual-stack sockets for IPv4: most of a probe's cost is its system calls.
 */
public final class TcpProber implements Prober {

  /** Reading stops here: a peer that talks this much without matching will not match. */
  static final int MAX_READ_BYTES = 64 * 1024;

  private final VertxInternal vertx;
  private final Resolver resolver;
  private final boolean epoll;
  private final Map<Target.Tls, Future<SslContext>> sslContexts = new ConcurrentHashMap<>();

  public TcpProber(Vertx vertx, Resolver resolver) {
    this.vertx = (VertxInternal) vertx;
    this.resolver = resolver;
    this.epoll = vertx.isNativeTransportEnabled() && Epoll.isAvailable();
  }

  /** Runs on the caller's event loop, or on one of its own when called from elsewhere. */
  @Override
  public Future<ProbeResult> probe(Target target) {
    ContextInternal current = vertx.getOrCreateContext();
    ContextInternal context = current.isEventLoopContext() ? current : vertx.createEventLoopContext();
    if (Vertx.currentContext() == context) {
      return new Attempt(target, context).run();
    }
    Promise<ProbeResult> promise = Promise.promise();
    context.runOnContext(v -> new Attempt(target, context).run().onComplete(promise));
    return promise.future();
  }

  private Channel newChannel(InetAddress address) {
    SocketProtocolFamily family = address instanceof Inet6Address ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
    return epoll ? new EpollSocketChannel(family) : vertx.transport().channelFactory(false).newChannel();
  }

  /**
   * The state of one probe, and the listener of its connection's events. Everything runs on the probe's event loop:
   * the connection's events on the loop's thread, the rest on the probe's context, which runs on that same thread.
   */
  private final class Attempt implements TcpConnection.Listener {

    private final Target target;
    private final ContextInternal context;
    private final Promise<ProbeResult> outcome = Promise.promise();
    private final Map<Phase, Duration> phases = new EnumMap<>(Phase.class);
    private final long start = System.nanoTime();
    private long phaseStart = start;
    private Phase phase = Phase.RESOLVE;
    private long deadline;
    private InetAddress address;
    private TcpConnection connection;
    /** The connection when it is a channel: TLS and sending need one. */
    private ChannelConnection channel;
    private Instant certExpiry;
    /** What the peer sent, kept from the first byte whatever the phase: a TLS server may greet in the handshake's last read. */
    private final ExpectMatcher received;
    private Throwable readError;
    private boolean peerClosed;
    /** Set once the exchange starts: before that, what arrives is only kept. */
    private PromiseInternal<Void> matched;

    Attempt(Target target, ContextInternal context) {
      this.target = target;
      this.context = context;
      this.received = new ExpectMatcher(target.expect(), MAX_READ_BYTES);
    }

    Future<ProbeResult> run() {
      deadline = context.setTimer(target.timeout().toMillis(), id -> finish(atDeadline()));
      resolver.resolve(context, target.address().host(), target.ipProtocol(), target.timeout())
          .recover(e -> Future.failedFuture(
              new ProbeFailure(Resolver.classify(e), target.address().host() + ": " + rootMessage(e))))
          .compose(this::connect)
          .compose(v -> handshake())
          .compose(v -> exchange())
          .onComplete(done -> finish(done.cause()));
      return outcome.future();
    }

    private Future<Void> connect(InetAddress resolved) {
      address = resolved;
      enter(Phase.CONNECT);
      if (epoll && target.tls() == null && target.send() == null) {
        connection = new SocketConnection(context, this);
      } else {
        connection = channel = new ChannelConnection(newChannel(resolved), context, this);
      }
      return connection.connect(new InetSocketAddress(resolved, target.address().port()))
          .recover(e -> Future.failedFuture(new ProbeFailure(classifyConnect(e), rootMessage(e))));
    }

    private Future<Void> handshake() {
      if (target.tls() == null || outcome.future().isComplete()) {
        return Future.succeededFuture();
      }
      enter(Phase.TLS);
      Target.Tls tls = target.tls();
      return sslContext(tls)
          .compose(ssl -> outcome.future().isComplete() ? Future.succeededFuture()
              : channel.handshake(ssl, tls.serverName(), target.address().port())
                  .onSuccess(expiry -> certExpiry = expiry))
          .<Void>mapEmpty()
          .recover(e -> Future.failedFuture(new ProbeFailure(Result.TLS_ERROR, rootMessage(e))));
    }

    private Future<Void> exchange() {
      if (!target.reads() || outcome.future().isComplete()) {
        return Future.succeededFuture();
      }
      enter(Phase.FIRST_BYTE);
      matched = context.promise();
      if (target.send() != null) {
        channel.write(target.send());
      }
      readOrDecide();
      return matched;
    }

    @Override
    public void received(ByteBuf chunk) {
      if (received.size() == 0 && phase == Phase.FIRST_BYTE) {
        phases.put(Phase.FIRST_BYTE, Duration.ofNanos(System.nanoTime() - phaseStart));
      }
      received.add(chunk);
      context.emit(v -> readOrDecide());
    }

    @Override
    public void closedByPeer() {
      peerClosed = true;
      context.emit(v -> readOrDecide());
    }

    @Override
    public void failed(Throwable cause) {
      if (readError == null) {
        readError = cause;
      }
      context.emit(v -> readOrDecide());
    }

    /** Once the exchange has started: decides on what has come so far, or reads on. */
    private void readOrDecide() {
      if (matched == null || matched.isComplete()) {
        return;
      }
      Verdict verdict = received.decide();
      boolean ended = readError != null || peerClosed;
      if (verdict == Verdict.MATCHED || (verdict == Verdict.OPEN && ended && received.last())) {
        matched.tryComplete();
      } else if (verdict == Verdict.NO_MATCH) {
        matched.tryFail(new ProbeFailure(Result.BANNER_MISMATCH, "no match in the first " + MAX_READ_BYTES + " bytes"));
      } else if (readError != null) {
        // Under TLS 1.3 a server refuses a client certificate after the client's side of the handshake is done: the
        // alert arrives here, and it is a TLS failure all the same.
        matched.tryFail(causedBy(readError, SSLException.class)
            ? new ProbeFailure(Result.TLS_ERROR, rootMessage(readError))
            : endedBeforeMatch(rootMessage(readError)));
      } else if (peerClosed) {
        matched.tryFail(endedBeforeMatch("the peer closed the connection"));
      } else {
        connection.read();
      }
    }

    private ProbeFailure endedBeforeMatch(String why) {
      return received.size() == 0
          ? new ProbeFailure(Result.CLOSED_EARLY, why + " before sending anything")
          : new ProbeFailure(Result.BANNER_MISMATCH, why + "; expect never matched what it sent ("
              + received.describe(ProbeResult.DETAIL_EXCERPT_CHARS) + ")");
    }

    /**
     * What the deadline ends: the phase it interrupts names the failure. A read the peer holds open is a
     * {@code read_timeout} even when text came, since more might have matched; unless what came by then matches.
     */
    private ProbeFailure atDeadline() {
      String within = "within " + target.timeout().toMillis() + "ms";
      if (phase == Phase.FIRST_BYTE && received.size() > 0) {
        return received.last() ? null : new ProbeFailure(Result.READ_TIMEOUT, "expect did not match " + within
            + ", the connection still open, after " + received.describe(ProbeResult.DETAIL_EXCERPT_CHARS));
      }
      Result result = switch (phase) {
        case RESOLVE -> Result.DNS_TIMEOUT;
        case CONNECT -> Result.CONNECT_TIMEOUT;
        case TLS -> Result.TLS_ERROR;
        case FIRST_BYTE -> Result.READ_TIMEOUT;
      };
      return new ProbeFailure(result, "no answer " + within + " (" + phase.label() + ")");
    }

    private void enter(Phase next) {
      long now = System.nanoTime();
      phases.put(phase, Duration.ofNanos(now - phaseStart));
      phase = next;
      phaseStart = now;
    }

    /** Completes the probe once: the first of success, a failure, or the deadline wins. */
    private void finish(Throwable failure) {
      if (outcome.future().isComplete()) {
        return;
      }
      vertx.cancelTimer(deadline);
      long now = System.nanoTime();
      phases.putIfAbsent(phase, Duration.ofNanos(now - phaseStart));
      Result result = failure == null ? Result.SUCCESS
          : failure instanceof ProbeFailure f ? f.result : Result.CONNECT_ERROR;
      String detail = failure == null ? successDetail() : failure.getMessage();
      outcome.complete(new ProbeResult(result, detail, Collections.unmodifiableMap(phases),
          Duration.ofNanos(now - start), address,
          matched == null ? null : received.excerpt(ProbeResult.RECEIVED_EXCERPT_CHARS), certExpiry, Instant.now()));
      // Closed once the outcome is set: closing fails a connect in progress, and that failure must not count.
      if (connection != null) {
        connection.close();
      }
    }

    private String successDetail() {
      String where = address.getHostAddress() + " port " + target.address().port();
      return matched == null ? "connected to " + where : "received " + received.size() + " bytes from " + where;
    }
  }

  /**
   * The TLS context of a target's settings, built once off the event loop (it reads the PEM files). A build that
   * failed is forgotten, so the next probe reads the files again.
   */
  private Future<SslContext> sslContext(Target.Tls tls) {
    Future<SslContext> context = sslContexts.computeIfAbsent(tls, t -> vertx.executeBlocking(() -> build(t)));
    return context.onFailure(e -> sslContexts.remove(tls, context));
  }

  private SslContext build(Target.Tls tls) throws Exception {
    SslContextBuilder builder = SslContextBuilder.forClient()
        .sslProvider(SslProvider.JDK)
        .protocols("TLSv1.3", "TLSv1.2");
    if (tls.insecureSkipVerify()) {
      builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
    } else {
      builder.endpointIdentificationAlgorithm("HTTPS");
      if (tls.caFile() != null) {
        builder.trustManager(new PemTrustOptions().addCertPath(tls.caFile().toString()).getTrustManagerFactory(vertx));
      }
    }
    if (tls.certFile() != null) {
      builder.keyManager(new PemKeyCertOptions().setCertPath(tls.certFile().toString())
          .setKeyPath(tls.keyFile().toString()).getKeyManagerFactory(vertx));
    }
    return builder.build();
  }

  static Result classifyConnect(Throwable e) {
    if (e instanceof ConnectException && String.valueOf(e.getMessage()).contains("refused")) {
      return Result.CONNECT_REFUSED;
    }
    return Result.CONNECT_ERROR;
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message, which names what went wrong rather than where. */
  private static String rootMessage(Throwable e) {
    String message = e.toString();
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c.getMessage() != null) {
        message = c.getMessage();
      }
    }
    return message;
  }
}
