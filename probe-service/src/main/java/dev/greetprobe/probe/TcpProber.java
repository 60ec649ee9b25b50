package dev.greetprobe.probe;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Probes a target over TCP: resolve the name, connect to the address, optionally shake hands over TLS with the host
 * name as SNI, optionally send text and read until {@code expect} matches. One deadline, the target's timeout, bounds
 * all of it; whatever phase it interrupts names the failure.
 */
public final class TcpProber implements Prober {

  /** Reading stops here: a peer that talks this much without matching will not match. */
  static final int MAX_READ_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final NetClient client;
  private final Resolver resolver;
  private final Map<Target.Tls, ClientSSLOptions> sslOptions = new ConcurrentHashMap<>();

  /**
   * The options of the client a prober connects with. Quick ACKs on: Vert.x turns them off by default, and on epoll
   * the client then delays the last ACK of the handshake, so the server accepts, and greets, about 200 ms late.
   */
  public static NetClientOptions clientOptions() {
    return new NetClientOptions().setTcpQuickAck(true);
  }

  public TcpProber(Vertx vertx, NetClient client, Resolver resolver) {
    this.vertx = vertx;
    this.client = client;
    this.resolver = resolver;
  }

  /** Runs on the caller's context, or on a new one when called from outside Vert.x. */
  @Override
  public Future<ProbeResult> probe(Target target) {
    Context context = vertx.getOrCreateContext();
    if (Vertx.currentContext() == context) {
      return new Attempt(target, context).run();
    }
    Promise<ProbeResult> promise = Promise.promise();
    context.runOnContext(v -> new Attempt(target, context).run().onComplete(promise));
    return promise.future();
  }

  /** The state of one probe; every method runs on its context, so nothing here is shared between threads. */
  private final class Attempt {

    private final Target target;
    private final Context context;
    private final Promise<ProbeResult> outcome = Promise.promise();
    private final Map<Phase, Duration> phases = new EnumMap<>(Phase.class);
    private final long start = System.nanoTime();
    private long phaseStart = start;
    private Phase phase = Phase.RESOLVE;
    private long deadline;
    private InetAddress address;
    private NetSocket socket;
    private Buffer received;
    private Instant certExpiry;

    Attempt(Target target, Context context) {
      this.target = target;
      this.context = context;
    }

    Future<ProbeResult> run() {
      deadline = vertx.setTimer(target.timeout().toMillis(), id -> finish(new ProbeFailure(timeoutResult(),
          "no answer within " + target.timeout().toMillis() + "ms (" + phase.label() + ")")));
      resolver.resolve(context, target.address().host(), target.ipProtocol())
          .recover(e -> Future.failedFuture(
              new ProbeFailure(Resolver.classify(e), target.address().host() + ": " + rootMessage(e))))
          .compose(this::connect)
          .compose(this::handshake)
          .compose(this::exchange)
          .onComplete(done -> finish(done.cause()));
      return outcome.future();
    }

    private Future<NetSocket> connect(InetAddress resolved) {
      address = resolved;
      enter(Phase.CONNECT);
      ConnectOptions options = new ConnectOptions()
          .setRemoteAddress(SocketAddress.inetSocketAddress(new InetSocketAddress(named(resolved), target.address().port())))
          .setTimeout((int) Math.max(1, remainingMillis()));
      return client.connect(options)
          .recover(e -> Future.failedFuture(new ProbeFailure(classifyConnect(e), rootMessage(e))))
          .onSuccess(s -> {
            socket = s;
            if (outcome.future().isComplete()) {
              s.close(); // the deadline passed while connecting
            }
          });
    }

    /**
     * The resolved address, carrying the name TLS must verify: Vert.x checks the certificate against the connection's
     * host, and connects to the address without resolving again.
     */
    private InetAddress named(InetAddress resolved) {
      String name = target.tls() != null ? target.tls().serverName() : target.address().host();
      try {
        return InetAddress.getByAddress(name, resolved.getAddress());
      } catch (java.net.UnknownHostException impossible) {
        throw new IllegalStateException(impossible); // only thrown for an address of the wrong length
      }
    }

    private Future<NetSocket> handshake(NetSocket s) {
      if (target.tls() == null || outcome.future().isComplete()) {
        return Future.succeededFuture(s);
      }
      enter(Phase.TLS);
      return s.upgradeToSsl(sslOptions(target.tls(), target.timeout()), target.tls().serverName())
          .recover(e -> Future.failedFuture(new ProbeFailure(Result.TLS_ERROR, rootMessage(e))))
          .map(v -> {
            certExpiry = earliestExpiry(s);
            return s;
          });
    }

    private Future<Void> exchange(NetSocket s) {
      if (!target.reads() || outcome.future().isComplete()) {
        return Future.succeededFuture();
      }
      enter(Phase.FIRST_BYTE);
      received = Buffer.buffer();
      Promise<Void> matched = Promise.promise();
      s.handler(chunk -> {
        if (received.length() == 0) {
          phases.put(Phase.FIRST_BYTE, Duration.ofNanos(System.nanoTime() - phaseStart));
        }
        received.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_READ_BYTES - received.length()));
        if (target.expect() == null || target.expect().matcher(received.toString(StandardCharsets.UTF_8)).find()) {
          matched.tryComplete();
        } else if (received.length() >= MAX_READ_BYTES) {
          matched.tryFail(new ProbeFailure(Result.BANNER_MISMATCH, "no match in the first " + MAX_READ_BYTES + " bytes"));
        }
      });
      s.closeHandler(v -> matched.tryFail(endedBeforeMatch("the peer closed the connection")));
      // Under TLS 1.3 a server refuses a client certificate after the client's side of the handshake is done: the
      // alert arrives here, and it is a TLS failure all the same.
      s.exceptionHandler(e -> matched.tryFail(causedBy(e, SSLException.class)
          ? new ProbeFailure(Result.TLS_ERROR, rootMessage(e))
          : endedBeforeMatch(rootMessage(e))));
      if (target.send() != null) {
        s.write(target.send());
      }
      return matched.future();
    }

    private ProbeFailure endedBeforeMatch(String why) {
      return received.length() == 0
          ? new ProbeFailure(Result.CLOSED_EARLY, why + " before sending anything")
          : new ProbeFailure(Result.BANNER_MISMATCH, why + "; expect never matched what it sent");
    }

    private Result timeoutResult() {
      return switch (phase) {
        case RESOLVE -> Result.DNS_TIMEOUT;
        case CONNECT -> Result.CONNECT_TIMEOUT;
        case TLS -> Result.TLS_ERROR;
        case FIRST_BYTE -> received == null || received.length() == 0 ? Result.READ_TIMEOUT : Result.BANNER_MISMATCH;
      };
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
      if (socket != null) {
        socket.close();
      }
      Result result = failure == null ? Result.SUCCESS
          : failure instanceof ProbeFailure f ? f.result : Result.CONNECT_ERROR;
      String detail = failure == null ? successDetail() : failure.getMessage();
      outcome.complete(new ProbeResult(result, detail, Collections.unmodifiableMap(phases),
          Duration.ofNanos(now - start), address, received == null ? null : received.toString(StandardCharsets.UTF_8),
          certExpiry, Instant.now()));
    }

    private String successDetail() {
      String where = address.getHostAddress() + " port " + target.address().port();
      return received == null ? "connected to " + where : "received " + received.length() + " bytes from " + where;
    }

    private long remainingMillis() {
      return target.timeout().toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
  }

  private ClientSSLOptions sslOptions(Target.Tls tls, Duration timeout) {
    return sslOptions.computeIfAbsent(tls, t -> {
      ClientSSLOptions options = new ClientSSLOptions()
          .setSslHandshakeTimeout(timeout.toMillis())
          .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
      if (t.insecureSkipVerify()) {
        options.setTrustAll(true).setHostnameVerificationAlgorithm("");
      } else {
        options.setHostnameVerificationAlgorithm("HTTPS");
      }
      if (t.caFile() != null) {
        options.setTrustOptions(new PemTrustOptions().addCertPath(t.caFile().toString()));
      }
      if (t.certFile() != null) {
        options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(t.certFile().toString())
            .setKeyPath(t.keyFile().toString()));
      }
      return options;
    });
  }

  private static Instant earliestExpiry(NetSocket socket) {
    try {
      return socket.peerCertificates().stream()
          .filter(X509Certificate.class::isInstance)
          .map(c -> ((X509Certificate) c).getNotAfter().toInstant())
          .min(Instant::compareTo)
          .orElse(null);
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return null;
    }
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
