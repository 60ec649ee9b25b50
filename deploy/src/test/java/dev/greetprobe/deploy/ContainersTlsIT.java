package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.deploy.local.LocalCluster;
import dev.greetprobe.deploy.local.LocalCluster.Pod;
import dev.greetprobe.testkit.Http;
import dev.greetprobe.testkit.PrometheusText;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The demo overlay with the TLS component, run from this build's images under podman, the Secret it asks for given
 * the way an operator gives it: the greeter pods greet over TLS with the Secret's certificate, and the probe's pods,
 * trusting the Secret's ca.crt mounted alone, check the greeter over TLS through its Service name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainersTlsIT {

  private static final String GREETER_NAME = "greeter.greetprobe.svc.cluster.local";

  private SelfSignedCertificate certificate;
  private LocalCluster cluster;

  @BeforeAll
  void startTheDemoOverlayWithTls() throws IOException {
    LocalImages.load();
    Path work = Files.createTempDirectory("containers-tls-it");
    Path kustomization = Files.createDirectory(work.resolve("kustomization"));
    certificate = SelfSignedCertificate.create(GREETER_NAME);
    Files.copy(Path.of(certificate.certificatePath()), kustomization.resolve("tls.crt"));
    Files.copy(Path.of(certificate.privateKeyPath()), kustomization.resolve("tls.key"));
    Files.copy(Path.of(certificate.certificatePath()), kustomization.resolve("ca.crt"));
    Files.writeString(kustomization.resolve("kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - %s
        components:
          - %s
        secretGenerator:
          - name: greeter-tls
            namespace: greetprobe
            files: [tls.crt, tls.key, ca.crt]
            options:
              disableNameSuffixHash: true
        """.formatted(kustomization.relativize(LocalImages.OVERLAY),
        kustomization.relativize(Project.COMPONENTS.resolve("tls"))));
    cluster = LocalCluster.start(Kubectl.kustomize(kustomization), Set.of(LocalPods.GREETER, LocalPods.PROBE),
        work.resolve("cluster"));
  }

  @AfterAll
  void removeThePods() {
    if (cluster != null) {
      cluster.close();
    }
    if (certificate != null) {
      certificate.delete();
    }
  }

  @Test
  void everyGreeterPodGreetsOverTlsWithTheSecretsCertificate() throws Exception {
    for (Pod greeter : cluster.pods(LocalPods.GREETER)) {
      assertThat(LocalPods.read(trusting().getSocketFactory().createSocket(), greeter)).as(greeter.name())
          .isEqualTo(LocalPods.GREETING);
    }
  }

  @Test
  void theProbeChecksTheGreeterOverTlsTrustingTheSecretsCa() throws Exception {
    await().atMost(LocalPods.FIRST_PROBE).untilAsserted(() ->
        assertThat(LocalPods.successes(cluster, "greeter")).as("probe_success{target=\"greeter\"} over TLS")
            .containsExactly(1.0));
    double expiry = 0;
    for (Pod probe : cluster.pods(LocalPods.PROBE)) {
      expiry += PrometheusText.parse(Http.body(LocalPods.url(probe, "/metrics")))
          .samples("probe_ssl_earliest_cert_expiry").stream()
          .filter(sample -> "greeter".equals(sample.label("target")))
          .mapToDouble(PrometheusText.Sample::value).sum();
    }
    assertThat(expiry).as("the greeter's certificate expiry, in unix seconds")
        .isGreaterThan(System.currentTimeMillis() / 1000.0);
  }

  @Test
  void everyPodStopsCleanlyHavingWrittenNothingOutsideItsVolumes() {
    for (Pod pod : cluster.pods()) {
      LocalCluster.Stopped stopped = cluster.stop(pod);
      assertThat(stopped.exitCode()).as("%s's exit code; its logs:%n%s", pod.name(), stopped.logs()).isZero();
      assertThat(stopped.took()).as(pod.name())
          .isLessThan(Duration.ofSeconds(pod.terminationGracePeriodSeconds() / 2));
      assertThat(cluster.rootWrites(pod)).as("%s's writes outside its volumes", pod.name()).isEmpty();
    }
  }

  /** A TLS client that trusts the Secret's ca.crt alone. */
  private SSLContext trusting() throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream ca = Files.newInputStream(Path.of(certificate.certificatePath()))) {
      trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
