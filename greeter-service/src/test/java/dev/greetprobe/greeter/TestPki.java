package dev.greetprobe.greeter;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A certificate authority made in the test, issuing server and client certificates as PEM files. */
final class TestPki {

  private static final AtomicLong serials = new AtomicLong(System.currentTimeMillis());

  final String name;
  final KeyPair keys;
  final X509Certificate certificate;

  private TestPki(String name, KeyPair keys, X509Certificate certificate) {
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A self-signed CA. */
  static TestPki authority(String name) throws Exception {
    KeyPair keys = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    return new TestPki(name, keys, sign(builder, keys.getPrivate()));
  }

  /** A leaf certificate for {@code commonName} (also its DNS name, plus 127.0.0.1), valid from/until the given times. */
  Issued issue(String commonName, Instant notBefore, Instant notAfter) throws Exception {
    KeyPair leafKeys = keyPair();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + name),
        serial(), Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName), leafKeys.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, commonName), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    return new Issued(leafKeys, sign(builder, keys.getPrivate()));
  }

  Issued issue(String commonName) throws Exception {
    Instant now = Instant.now();
    return issue(commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(10)));
  }

  Path writeCertificate(Path file) throws Exception {
    return Files.writeString(file, pem(certificate));
  }

  /** A key pair and its certificate. */
  record Issued(KeyPair keys, X509Certificate certificate) {

    Path writeCertificate(Path file) throws Exception {
      return Files.writeString(file, pem(certificate));
    }

    Path writeKey(Path file) throws Exception {
      return Files.writeString(file, pem(keys.getPrivate()));
    }

    /** A JDK SSL context presenting this certificate and trusting {@code trusted}. */
    SSLContext clientContext(X509Certificate trusted) throws Exception {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      keyStore.setKeyEntry("client", keys.getPrivate(), new char[0], new java.security.cert.Certificate[] {certificate});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore, new char[0]);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), trustManagers(trusted), new SecureRandom());
      return context;
    }
  }

  /** A JDK SSL context with no client certificate, trusting {@code trusted}. */
  static SSLContext trusting(X509Certificate trusted) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustManagers(trusted), new SecureRandom());
    return context;
  }

  private static javax.net.ssl.TrustManager[] trustManagers(X509Certificate trusted) throws Exception {
    KeyStore trustStore = KeyStore.getInstance("PKCS12");
    trustStore.load(null, null);
    trustStore.setCertificateEntry("ca", trusted);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trustStore);
    return tmf.getTrustManagers();
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(serials.incrementAndGet());
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey signer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }

  private static String pem(Object object) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object instanceof PrivateKey key ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
    }
    return out.toString();
  }
}
