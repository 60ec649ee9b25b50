package dev.greetprobe.greeter;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The greeting port's TLS context, built from PEM files and rebuilt whenever their content changes (checked every
 * reload interval): when a Kubernetes Secret rotates the certificate, new handshakes use the new one, with no
 * restart. Files that cannot be read or parsed keep the context in use.
 */
public final class TlsCertificates {

  private static final Logger log = LoggerFactory.getLogger(TlsCertificates.class);

  private final Vertx vertx;
  private final GreeterConfig.Tls config;
  private final GreeterMetrics metrics;
  private volatile SslContext current;
  private List<Buffer> loaded = List.of();
  private long timer = -1;

  public TlsCertificates(Vertx vertx, GreeterConfig.Tls config, GreeterMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
  }

  /** Loads the files; fails when they do not hold a usable key and certificate. */
  public Future<Void> start() {
    return reload().onSuccess(v ->
        timer = vertx.setPeriodic(config.reloadInterval().toMillis(), id -> reload().onFailure(e -> {
          metrics.tlsRefused();
          log.error("TLS files not reloaded, the current certificate stays: {}", e.getMessage());
        })));
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** The context new handshakes use. */
  public SslContext current() {
    return current;
  }

  private Future<Void> reload() {
    Future<Buffer> cert = read(config.certFile());
    Future<Buffer> key = read(config.keyFile());
    Future<Buffer> ca = config.clientCaFile() == null ? Future.succeededFuture(Buffer.buffer()) : read(config.clientCaFile());
    return Future.all(cert, key, ca).compose(all -> {
      List<Buffer> files = List.of(cert.result(), key.result(), ca.result());
      if (files.equals(loaded)) {
        return Future.succeededFuture();
      }
      return vertx.executeBlocking(() -> new Built(build(files), expiry(files.get(0)))).onSuccess(built -> {
        boolean first = current == null;
        current = built.context();
        loaded = files;
        metrics.tlsLoaded(built.expiry());
        log.info(first ? "TLS certificate loaded from {}" : "TLS certificate reloaded from {}", config.certFile());
      }).mapEmpty();
    });
  }

  private record Built(SslContext context, Instant expiry) {
  }

  private SslContext build(List<Buffer> files) throws Exception {
    SslContextBuilder builder = SslContextBuilder
        .forServer(new PemKeyCertOptions().setCertValue(files.get(0)).setKeyValue(files.get(1)).getKeyManagerFactory(vertx))
        .sslProvider(SslProvider.JDK)
        .protocols("TLSv1.3", "TLSv1.2");
    if (config.clientCaFile() != null) {
      builder.trustManager(new PemTrustOptions().addCertValue(files.get(2)).getTrustManagerFactory(vertx))
          .clientAuth(switch (config.clientAuth()) {
            case REQUIRED -> ClientAuth.REQUIRE;
            case REQUEST -> ClientAuth.OPTIONAL;
            case NONE -> ClientAuth.NONE;
          });
    }
    return builder.build();
  }

  /** The earliest expiry in the certificate chain. */
  private static Instant expiry(Buffer pem) throws CertificateException {
    return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes()))
        .stream().map(c -> ((X509Certificate) c).getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
  }

  private Future<Buffer> read(Path file) {
    return vertx.fileSystem().readFile(file.toString());
  }
}
