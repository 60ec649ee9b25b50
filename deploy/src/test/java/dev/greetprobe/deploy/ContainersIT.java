package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.deploy.local.LocalCluster;
import dev.greetprobe.deploy.local.LocalCluster.Pod;
import dev.greetprobe.testkit.Http;
import dev.greetprobe.testkit.PrometheusText;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The demo overlay's own pods, run from the images this build makes, under podman with what the rendered spec says:
 * the securityContexts (non-root, read-only root, no capabilities, no privilege escalation, the runtime's seccomp
 * profile), the memory and CPU limits, the environment with its fieldRefs, the ConfigMap mounted as the kubelet
 * mounts it, the emptyDir scratch, the Services' names, the probes on their named ports, and the kubelet's stop.
 * Nothing may be written outside the mounted volumes, and each pod must stop cleanly inside its grace period.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainersIT {

  private static final String GREETER = LocalPods.GREETER;
  private static final String PROBE = LocalPods.PROBE;
  private static final Duration FIRST_PROBE = LocalPods.FIRST_PROBE;

  private Path work;
  private String rendered;
  private LocalCluster cluster;

  @BeforeAll
  void startTheDemoOverlay() throws IOException {
    LocalImages.load();
    work = Files.createTempDirectory("containers-it");
    rendered = Kubectl.kustomize(LocalImages.OVERLAY);
    cluster = LocalCluster.start(rendered, Set.of(GREETER, PROBE), work.resolve("cluster"));
  }

  @AfterAll
  void removeThePods() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void theRenderingRunsWhollyButForTheRegistryImagesOfItsPrometheusAndGrafana() {
    assertThat(LocalCluster.workloads(rendered))
        .containsExactlyInAnyOrder(GREETER, PROBE, "Deployment/prometheus", "Deployment/grafana");
    assertThat(cluster.pods(GREETER)).extracting(Pod::name).containsExactly("greeter-0", "greeter-1");
    assertThat(cluster.pods(PROBE)).extracting(Pod::name).containsExactly("probe-0", "probe-1");
  }

  @Test
  @Order(2)
  void everyGreeterPodGreetsWithTheExactBytesAndCloses() throws IOException {
    for (Pod greeter : cluster.pods(GREETER)) {
      assertThat(LocalPods.read(new Socket(), greeter)).as(greeter.name()).isEqualTo(LocalPods.GREETING);
    }
  }

  @Test
  @Order(3)
  void theReadinessAndLivenessProbesPassOnTheirNamedPorts() throws Exception {
    for (Pod pod : cluster.pods()) {
      assertThat(cluster.ready(pod)).as("%s ready", pod.name()).isTrue();
      assertThat(cluster.live(pod)).as("%s live", pod.name()).isTrue();
      assertThat(Http.get(LocalPods.url(pod, "/health/ready")).statusCode()).as(pod.name()).isEqualTo(200);
    }
  }

  @Test
  @Order(4)
  void theProbeReachesTheGreeterThroughItsServiceName() {
    await().atMost(FIRST_PROBE).untilAsserted(() ->
        assertThat(LocalPods.successes(cluster, "greeter"))
            .as("probe_success{target=\"greeter\"} across the probe's pods")
            .containsExactly(1.0));
  }

  @Test
  @Order(5)
  void theStatusPageAndTheMetricsAnswer() throws Exception {
    for (Pod probe : cluster.pods(PROBE)) {
      assertThat(Http.get(LocalPods.url(probe, "/")).body()).as(probe.name()).contains("<html");
      assertThat(Http.get(LocalPods.url(probe, "/metrics")).body()).contains("probe_transport_info");
    }
    for (Pod greeter : cluster.pods(GREETER)) {
      PrometheusText metrics = PrometheusText.parse(Http.body(LocalPods.url(greeter, "/metrics")));
      assertThat(metrics.samples("greeter_greetings_total")).as(greeter.name()).isNotEmpty();
    }
  }

  @Test
  @Order(6)
  void eachJvmSizesItsHeapFromItsContainersMemoryLimit() throws Exception {
    Map<String, Long> limits = Map.of(GREETER, 512L << 20, PROBE, 1L << 30);
    for (Pod pod : cluster.pods()) {
      double heap = PrometheusText.parse(Http.body(LocalPods.url(pod, "/metrics"))).samples("jvm_memory_max_bytes").stream()
          .filter(sample -> "heap".equals(sample.label("area")))
          .mapToDouble(PrometheusText.Sample::value).max().orElseThrow();
      long limit = limits.get(pod.workload());
      // The largest heap pool: below the limit, so the JVM sees the container's memory rather than the machine's;
      // above 40% of it, which MaxRAMPercentage=75 gives (the old generation takes two thirds of the heap under the
      // serial collector that a one-CPU container gets) and the JVM's default of 25 never reaches.
      assertThat(heap).as(pod.name()).isLessThan(limit).isGreaterThan(0.4 * limit);
    }
  }

  @Test
  @Order(7)
  void aConfigMapSwappedAsTheKubeletSwapsItIsReloadedInsideTheRunningContainers() throws Exception {
    String config = (String) Yaml.map(Yaml.map(Manifests.parse(rendered).items().stream()
        .filter(item -> item.kind().equals("ConfigMap") && item.name().equals("probe-config"))
        .findFirst().orElseThrow().yaml()).get("data")).get("probe.yaml");
    cluster.updateConfigMap("probe-config", Map.of("probe.yaml", config + """
          # Added while running: the greeter by its short name, through the pod's DNS search domains.
          - name: greeter-short
            address: greeter:12345
            expect: "^Thank You for Connecting$"
        """));
    await().atMost(FIRST_PROBE.plusSeconds(10)).untilAsserted(() ->
        assertThat(LocalPods.successes(cluster, "greeter-short")).as("probe_success{target=\"greeter-short\"} across the probe's pods")
            .containsExactly(1.0));
  }

  @Test
  @Order(8)
  void sigtermEndsEveryPodCleanlyInsideItsGracePeriodHavingWrittenNothingOutsideItsVolumes() {
    for (Pod pod : cluster.pods()) {
      LocalCluster.Stopped stopped = cluster.stop(pod);
      int grace = pod.terminationGracePeriodSeconds();
      assertThat(stopped.exitCode()).as("%s's exit code; its logs:%n%s", pod.name(), stopped.logs()).isZero();
      assertThat(stopped.took()).as(pod.name()).isLessThan(Duration.ofSeconds(grace / 2));
      assertThat(stopped.logs()).as(pod.name()).doesNotContainIgnoringCase("read-only file system");
      assertThat(cluster.rootWrites(pod)).as("%s's writes outside its volumes", pod.name()).isEmpty();
    }
  }
}
