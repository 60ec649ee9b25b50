package dev.greetprobe.probe.net;

import dev.greetprobe.probe.config.Phase;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.net.ExpectMatcher.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a target over TCP: resolve the name, connect to the address, optionally shake hands over TLS with the host
 * name as SNI, optionally send text and read until {@code expect} matches. One deadline, the target's timeout, bounds
 * all of it; whatever phase it interrupts names the failure.
 *
 * <p>One prober serves one probe verticle and runs on its context. Connections go through the verticle's
 * {@link NetClient} ({@link NetSocketConnection}); under transport {@code epoll}, a target that neither uses TLS nor
 * sends gets a bare socket on the loop's epoll instead (the {@link TcpConnection.Opener} the prober is given), which
 * makes fewer system calls.
 */
public final class TcpProber implements Prober {

  private static final Logger log = LoggerFactory.getLogger(TcpProber.class);

  /** Reading stops here: a peer that talks this much without matching will not match. */
  public static final int MAX_READ_BYTES = 64 * 1024;

  /** The options of a probe verticle's client: each connection's own go in its {@code ConnectOptions}. */
  public static NetClientOptions clientOptions() {
    // Vert.x turns TCP_QUICKACK off on epoll by default, and Linux then holds back the handshake's last ACK for up to
    // 200 ms, waiting for data to carry it: the server accepts, and greets, only when it comes. A probe binds no local
    // port, so SO_REUSEADDR would change nothing: left off, no call sets it.
    return new NetClientOptions().setTcpQuickAck(true).setReuseAddress(false);
  }

  private final Vertx vertx;
  private final Context context;
  private final NetClient client;
  private final Resolver resolver;
  /** Opens the connections of targets that neither use TLS nor send; null when all go through the client. */
  private final TcpConnection.Opener bareSockets;
  private final Map<Target.Tls, ClientSSLOptions> sslOptions = new ConcurrentHashMap<>();
  /** The probes in flight. */
  private final Deadlines deadlines;

  /**
   * Probes on {@code context}, an event loop's, connecting through {@code client}, or through {@code bareSockets}
   * where they serve; {@code bareSockets} null for the client alone.
   */
  public TcpProber(Context context, NetClient client, Resolver resolver, TcpConnection.Opener bareSockets) {
    this.vertx = context.owner();
    this.context = context;
    this.client = client;
    this.resolver = resolver;
    this.bareSockets = bareSockets;
    this.deadlines = new Deadlines(vertx);
  }

  /** The probers of verticles that resolve with {@code resolver} and connect through their verticle's client. */
  public static Prober.Factory factory(Resolver resolver) {
    return (context, client) -> new TcpProber(context, client, resolver, null);
  }

  /**
   * The probers of verticles that resolve with {@code resolver} and open the plain connections of targets that send
   * nothing with {@code bareSockets}, the rest through their verticle's client.
   */
  public static Prober.Factory factory(Resolver resolver, TcpConnection.Opener bareSockets) {
    return (context, client) -> new TcpProber(context, client, resolver, bareSockets);
  }

  /** Runs on the prober's context, whoever calls. */
  @Override
  public Future<ProbeResult> probe(Target target) {
    if (Vertx.currentContext() == context) {
      return new Attempt(target).run();
    }
    Promise<ProbeResult> promise = Promise.promise();
    context.runOnContext(v -> new Attempt(target).run().onComplete(promise));
    return promise.future();
  }

  /** On the prober's context. */
  @Override
  public void abortInFlight() {
    deadlines.waiting().forEach(attempt -> ((Attempt) attempt).aborted());
  }

  /**
   * The state of one probe, and the listener of its connection's events. Everything runs on the prober's context.
   */
  private final class Attempt extends Deadlines.Waiting implements TcpConnection.Listener {

    private final Target target;
    private final Promise<ProbeResult> outcome = Promise.promise();
    private final Map<Phase, Duration> phases = new EnumMap<>(Phase.class);
    private final long start = System.nanoTime();
    private long phaseStart = start;
    private Phase phase = Phase.RESOLVE;
    private InetAddress address;
    private TcpConnection connection;
    /** The connection when it goes through the client: TLS and sending need one. */
    private NetSocketConnection socket;
    private Instant certExpiry;
    /** What the peer sent, kept from the first byte whatever the phase: a TLS server may greet in the handshake's last read. */
    private final ExpectMatcher received;
    private Throwable readError;
    private boolean peerClosed;
    /** Set once the exchange starts: before that, what arrives is only kept. */
    private Promise<Void> matched;

    Attempt(Target target) {
      this.target = target;
      this.received = new ExpectMatcher(target.expect(), MAX_READ_BYTES);
    }

    Future<ProbeResult> run() {
      deadlines.add(this, start, target.timeout());
      resolver.resolve(context, target.address().host(), target.ipProtocol(), target.timeout())
          .compose(this::connect, e -> Future.failedFuture(
              new ProbeFailure(Resolver.classify(e), target.address().host() + ": " + rootMessage(e))))
          .compose(v -> target.tls() == null ? exchange() : handshake().compose(w -> exchange()))
          .onComplete(done -> finish(done.cause()));
      return outcome.future();
    }

    private Future<Void> connect(InetAddress resolved) {
      address = resolved;
      enter(Phase.CONNECT);
      if (bareSockets != null && target.tls() == null && target.send() == null) {
        connection = bareSockets.open(context, this);
      } else {
        // What is left of the deadline bounds the connect, so the client gives up when the probe does.
        Duration left = target.timeout().minusNanos(System.nanoTime() - start);
        connection = socket = new NetSocketConnection(client, this, left,
            target.tls() == null ? null : target.tls().serverName());
      }
      return connection.connect(new InetSocketAddress(resolved, target.address().port()))
          .recover(e -> Future.failedFuture(connectFailure(e)));
    }

    /** A failed connect, said as an operator reads it; the transport's own words go to the debug log. */
    private ProbeFailure connectFailure(Throwable e) {
      Result result = classifyConnect(e);
      String where = address.getHostAddress() + " port " + target.address().port();
      log.debug("target {}: connecting to {}: {}", target.name(), where, rootMessage(e));
      return new ProbeFailure(result, switch (result) {
        case CONNECT_REFUSED -> "connection refused by " + where;
        case CONNECT_TIMEOUT -> "no answer from " + where + " to the connection";
        default -> "could not connect to " + where + ": " + rootMessage(e);
      });
    }

    private Future<Void> handshake() {
      if (outcome.future().isComplete()) {
        return Future.succeededFuture();
      }
      enter(Phase.TLS);
      return socket.handshake(sslOptions(target.tls()), target.tls().serverName())
          .onSuccess(expiry -> certExpiry = expiry)
          .<Void>mapEmpty()
          .recover(e -> Future.failedFuture(new ProbeFailure(Result.TLS_ERROR, handshakeFailure(e))));
    }

    /** A failed handshake: a peer that answered in plain text is quoted, the rest said in the TLS stack's words. */
    private String handshakeFailure(Throwable e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof NotSslRecordException notTls) {
          log.debug("target {}: handshake: {}", target.name(), notTls.getMessage());
          return PlainTextAnswer.describe(notTls);
        }
      }
      return rootMessage(e);
    }

    private Future<Void> exchange() {
      if (!target.reads() || outcome.future().isComplete()) {
        return Future.succeededFuture();
      }
      enter(Phase.FIRST_BYTE);
      matched = Promise.promise();
      if (target.send() != null) {
        socket.write(target.send());
      }
      readOrDecide();
      return matched.future();
    }

    @Override
    public void received(ByteBuf chunk) {
      if (received.size() == 0 && phase == Phase.FIRST_BYTE) {
        phases.put(Phase.FIRST_BYTE, Duration.ofNanos(System.nanoTime() - phaseStart));
      }
      received.add(chunk);
      readOrDecide();
    }

    @Override
    public void closedByPeer() {
      peerClosed = true;
      readOrDecide();
    }

    @Override
    public void failed(Throwable cause) {
      if (readError == null) {
        readError = cause;
      }
      readOrDecide();
    }

    /** Once the exchange has started: decides on what has come so far, or reads on. */
    private void readOrDecide() {
      if (matched == null || matched.future().isComplete()) {
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

    @Override
    void expired() {
      finish(atDeadline());
    }

    /** The prober stops before the probe ends: it ends now, as at its deadline, and its connection closes. */
    void aborted() {
      ProbeFailure failure = atDeadline();
      finish(failure == null ? null
          : new ProbeFailure(failure.result, "the probe stopped before an answer (" + phase.label() + ")"));
    }

    /** Completes the probe once: the first of success, a failure, or the deadline wins. */
    private void finish(Throwable failure) {
      if (outcome.future().isComplete()) {
        return;
      }
      deadlines.remove(this);
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
   * The client TLS options of a target's settings, made once per prober: the client builds a TLS context once per
   * options, and forgets a build that failed. The PEM texts are the files' contents as the config's load read them,
   * so a reload that read rotated files gives new options, and a new context.
   */
  private ClientSSLOptions sslOptions(Target.Tls tls) {
    return sslOptions.computeIfAbsent(tls, TcpProber::sslOptionsOf);
  }

  private static ClientSSLOptions sslOptionsOf(Target.Tls tls) {
    ClientSSLOptions options = new ClientSSLOptions()
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"))
        // The probe's deadline bounds the handshake; the client's own timeout must not cut it shorter.
        .setSslHandshakeTimeout(0);
    if (tls.insecureSkipVerify()) {
      options.setTrustAll(true).setHostnameVerificationAlgorithm("");
    } else {
      options.setHostnameVerificationAlgorithm("HTTPS");
      if (tls.caFile() != null) {
        options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(tls.caFile().bytes())));
      }
    }
    if (tls.certFile() != null) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(tls.certFile().bytes()))
          .setKeyValue(Buffer.buffer(tls.keyFile().bytes())));
    }
    return options;
  }

  static Result classifyConnect(Throwable e) {
    if (e instanceof ConnectTimeoutException) {
      return Result.CONNECT_TIMEOUT;
    }
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
