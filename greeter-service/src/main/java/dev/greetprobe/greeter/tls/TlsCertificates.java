package dev.greetprobe.greeter.tls;

import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.greeter.metrics.GreeterMetrics;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
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
        // The files served are back (after a bad copy, say): the last read was a usable one.
        metrics.tlsReadAgain();
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
    KeyManagerFactory keys = new PemKeyCertOptions().setCertValue(files.get(0)).setKeyValue(files.get(1))
        .getKeyManagerFactory(vertx);
    checkKeyMatchesCertificate(keys);
    SslContextBuilder builder = SslContextBuilder
        .forServer(keys)
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

  /**
   * Refuses a key that is not the certificate's: nothing else checks, and every handshake would fail with it. The key
   * signs a challenge that the certificate's public key must verify.
   */
  private static void checkKeyMatchesCertificate(KeyManagerFactory keys) throws GeneralSecurityException {
    X509KeyManager manager = (X509KeyManager) keys.getKeyManagers()[0];
    for (String type : new String[] {"RSA", "EC", "EdDSA", "Ed25519", "RSASSA-PSS"}) {
      String[] aliases = manager.getServerAliases(type, null);
      if (aliases == null || aliases.length == 0) {
        continue;
      }
      PrivateKey key = manager.getPrivateKey(aliases[0]);
      X509Certificate certificate = manager.getCertificateChain(aliases[0])[0];
      String algorithm = switch (key.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        default -> key.getAlgorithm();
      };
      byte[] challenge = "greetprobe: does the key match the certificate".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      if (!verifier.verify(signature)) {
        throw new GeneralSecurityException("the private key does not match the certificate");
      }
      return;
    }
    throw new GeneralSecurityException("no RSA, EC or EdDSA key with a certificate in the files");
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
