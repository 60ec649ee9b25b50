package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.probe.config.Membership;
import dev.greetprobe.probe.config.Peers;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.ShardAssignment;
import dev.greetprobe.probe.config.Target;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1HTTPGetAction;
import io.kubernetes.client.openapi.models.V1KeyToPath;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyEgressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPort;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.kubernetes.client.openapi.models.V2MetricSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The objects refer to each other correctly: selectors select the pods they mean, ports and probes name what the
 * containers serve, every ConfigMap and Secret a pod uses exists (or is documented as yours to create), the probe's
 * targets pass its own validation in every shard and its network policy lets it reach them, and the monitoring
 * scrapes the jobs the alert rules expect.
 */
class CrossReferenceTest {

  private static final String NAMESPACE = "greetprobe";
  /** The paths each image answers on its health and metrics port. */
  private static final Map<String, Set<String>> SERVED_PATHS = Map.of(
      "ghcr.io/greetprobe/", Set.of("/health/live", "/health/ready", "/metrics"),
      "prom/prometheus:", Set.of("/-/ready", "/-/healthy"),
      "grafana/grafana:", Set.of("/api/health"));
  /** Secrets the user creates; the component that needs each says so in its README. */
  private static final Map<String, Path> USER_PROVIDED_SECRETS =
      Map.of("greeter-tls", Project.COMPONENTS.resolve("tls/README.md"));
  private static final Map<String, Object> MONITORING_NAMESPACE =
      Map.of("kubernetes.io/metadata.name", "monitoring");
  private static final Pattern JOB = Pattern.compile("job=\"([^\"]+)\"");

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyWorkloadSelectsItsOwnPodsAndNoOthers(Kustomization kustomization) {
    Manifests manifests = kustomization.render();
    for (Manifests.Workload workload : manifests.workloads()) {
      assertThat(manifests.selectedBy(workload.selector())).as("pods %s selects", workload).containsExactly(workload);
    }
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyServiceSelectsPodsAndTargetsPortsTheirContainersName(Kustomization kustomization) {
    Manifests manifests = kustomization.render();
    for (V1Service service : manifests.all(V1Service.class)) {
      String name = "Service " + service.getMetadata().getName();
      List<Manifests.Workload> selected = manifests.selectedBy(service.getSpec().getSelector());
      assertThat(selected).as("pods %s selects", name).isNotEmpty();
      for (V1ServicePort port : service.getSpec().getPorts()) {
        IntOrString target = port.getTargetPort();
        assertThat(target.isInteger()).as("%s port %s targets a port by name", name, port.getName()).isFalse();
        for (Manifests.Workload workload : selected) {
          assertThat(containerPorts(workload)).as("container ports of %s, targeted by %s", workload, name)
              .containsKey(target.getStrValue());
        }
      }
    }
  }

  @Test
  void theProbeStatefulSetIsGovernedByAHeadlessServiceOfItsPods() {
    for (Kustomization kustomization : Kustomization.values()) {
      Manifests manifests = kustomization.render();
      V1StatefulSet probe = manifests.get(V1StatefulSet.class, "probe");
      V1Service governing = manifests.get(V1Service.class, probe.getSpec().getServiceName());

      assertThat(governing.getSpec().getClusterIP()).isEqualTo("None");
      assertThat(manifests.selectedBy(governing.getSpec().getSelector())).extracting(Manifests.Workload::name)
          .containsExactly("probe");
    }
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void healthProbesAskForServedPathsOnPortsTheContainerNames(Kustomization kustomization) {
    for (Manifests.Workload workload : kustomization.render().workloads()) {
      for (V1Container container : workload.template().getSpec().getContainers()) {
        Set<String> served = SERVED_PATHS.entrySet().stream()
            .filter(e -> container.getImage().startsWith(e.getKey())).map(Map.Entry::getValue).findFirst()
            .orElseThrow(() -> new AssertionError("no known paths for image " + container.getImage()));
        Map<String, V1ContainerPort> ports = containerPorts(container);
        assertThat(container.getReadinessProbe()).as("readiness probe of %s", workload).isNotNull();
        assertThat(container.getLivenessProbe()).as("liveness probe of %s", workload).isNotNull();
        for (V1Probe probe : Stream.of(container.getStartupProbe(), container.getReadinessProbe(),
            container.getLivenessProbe()).filter(Objects::nonNull).toList()) {
          V1HTTPGetAction get = probe.getHttpGet();
          assertThat(get).as("%s probes over HTTP", workload).isNotNull();
          assertThat(get.getPath()).as("a probe of %s", workload).isIn(served);
          assertThat(get.getPort().isInteger()).as("%s probes a port by name", workload).isFalse();
          assertThat(ports).as("ports of %s", workload).containsKey(get.getPort().getStrValue());
        }
        if (container.getImage().startsWith("ghcr.io/greetprobe/")) {
          // Readiness follows the drain; liveness must not, or a draining pod would be killed early.
          assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
          assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
          assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health/live");
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyConfigMapAndSecretThePodsUseExistsOrIsDocumentedAsYours(Kustomization kustomization) {
    Manifests manifests = kustomization.render();
    for (Manifests.Workload workload : manifests.workloads()) {
      V1PodSpec pod = workload.template().getSpec();
      Set<String> mounted = new HashSet<>();
      for (V1Container container : pod.getContainers()) {
        for (V1VolumeMount mount : mounts(container)) {
          V1Volume volume = volume(pod, mount.getName());
          mounted.add(volume.getName());
          if (volume.getConfigMap() != null || volume.getSecret() != null) {
            assertThat(mount.getSubPath()).as("%s mounts %s whole, so that updates reach it", workload,
                volume.getName()).isNull();
          }
        }
        assertThat(container.getEnvFrom()).as("envFrom of %s", workload).isNullOrEmpty();
        for (V1EnvVar env : Objects.requireNonNullElse(container.getEnv(), List.<V1EnvVar>of())) {
          if (env.getValueFrom() != null) {
            assertThat(env.getValueFrom().getFieldRef()).as("%s takes %s from its pod", workload, env.getName())
                .isNotNull();
          }
        }
      }
      for (V1Volume volume : Objects.requireNonNullElse(pod.getVolumes(), List.<V1Volume>of())) {
        assertThat(mounted).as("volumes of %s that a container mounts", workload).contains(volume.getName());
        if (volume.getConfigMap() != null) {
          V1ConfigMap configMap = manifests.get(V1ConfigMap.class, volume.getConfigMap().getName());
          for (V1KeyToPath item : Objects.requireNonNullElse(volume.getConfigMap().getItems(),
              List.<V1KeyToPath>of())) {
            assertThat(configMap.getData()).containsKey(item.getKey());
          }
        }
        if (volume.getSecret() != null) {
          String secret = volume.getSecret().getSecretName();
          if (manifests.find("Secret", secret).isEmpty()) {
            assertThat(USER_PROVIDED_SECRETS).as("Secret %s, used by %s, is not in the render", secret, workload)
                .containsKey(secret);
            assertThat(Project.read(USER_PROVIDED_SECRETS.get(secret)))
                .contains("`" + secret + "`").contains("You provide the Secret");
          } else {
            assertThat(manifests.get(V1Secret.class, secret)).isNotNull();
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void disruptionBudgetsAndTheAutoscalerTargetTheirWorkloadsAndLeaveRoomForADrain(Kustomization kustomization) {
    Manifests manifests = kustomization.render();
    V2HorizontalPodAutoscaler hpa = manifests.get(V2HorizontalPodAutoscaler.class, "greeter");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    V1Deployment target = manifests.get(V1Deployment.class, hpa.getSpec().getScaleTargetRef().getName());
    int minReplicas = hpa.getSpec().getMinReplicas();
    assertThat(minReplicas).isGreaterThanOrEqualTo(2).isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
    assertThat(target.getSpec().getReplicas()).isBetween(minReplicas, hpa.getSpec().getMaxReplicas());
    assertThat(hpa.getSpec().getMetrics()).extracting(V2MetricSpec::getType).containsExactly("Resource");
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getName()).isEqualTo("cpu");
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getType()).isEqualTo("Utilization");

    for (V1PodDisruptionBudget pdb : manifests.all(V1PodDisruptionBudget.class)) {
      List<Manifests.Workload> selected = manifests.selectedBy(pdb.getSpec().getSelector());
      assertThat(selected).as("pods of PDB %s", pdb.getMetadata().getName()).hasSize(1);
      Manifests.Workload workload = selected.get(0);
      int fewest = workload.name().equals(target.getMetadata().getName())
          ? Math.min(workload.replicas(), minReplicas) : workload.replicas();
      int mayStop = mayBeDisrupted(pdb, fewest);
      assertThat(mayStop).as("pods of %s a drain may stop at %d replicas", workload, fewest)
          .isBetween(1, fewest - 1);
    }
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void networkPoliciesOpenTheGreetingToAllAndMetricsOnlyToPrometheus(Kustomization kustomization) {
    Manifests manifests = kustomization.render();
    List<V1NetworkPolicy> policies = manifests.all(V1NetworkPolicy.class);
    assertThat(policies).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("greeter", "probe");
    for (V1NetworkPolicy policy : policies) {
      String name = "NetworkPolicy " + policy.getMetadata().getName();
      List<Manifests.Workload> selected = manifests.selectedBy(policy.getSpec().getPodSelector());
      assertThat(selected).as("pods of %s", name).extracting(Manifests.Workload::name)
          .containsExactly(policy.getMetadata().getName());
      assertThat(policy.getSpec().getPolicyTypes()).as(name).containsExactlyInAnyOrder("Ingress", "Egress");
      Map<String, V1ContainerPort> ports = containerPorts(selected.get(0));
      Set<String> opened = new TreeSet<>();
      for (V1NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
        assertThat(rule.getPorts()).as("ports of an ingress rule of %s", name).isNotEmpty();
        for (V1NetworkPolicyPort port : rule.getPorts()) {
          assertThat(port.getPort().isInteger()).as("%s opens ports by name", name).isFalse();
          assertThat(ports).as("container ports of the pods of %s", name).containsKey(port.getPort().getStrValue());
          opened.add(port.getPort().getStrValue());
          if (port.getPort().getStrValue().equals("metrics")) {
            assertThat(rule.getFrom()).as("%s: who may scrape metrics", name).isNotEmpty()
                .allSatisfy(peer -> assertThat(isPrometheus(manifests, peer)).as("%s: %s is Prometheus", name, peer)
                    .isTrue());
          }
        }
      }
      assertThat(opened).as("ports %s opens", name).isEqualTo(ports.keySet());
      boolean greeter = policy.getMetadata().getName().equals("greeter");
      List<V1NetworkPolicyIngressRule> fromAnywhere = policy.getSpec().getIngress().stream()
          .filter(rule -> rule.getFrom() == null || rule.getFrom().isEmpty()).toList();
      assertThat(fromAnywhere).as("%s: rules open to everyone", name).hasSize(greeter ? 1 : 0);
      if (greeter) {
        assertThat(fromAnywhere.get(0).getPorts()).extracting(p -> p.getPort().getStrValue())
            .containsExactly("greeting");
        assertThat(policy.getSpec().getEgress()).as("the greeter connects nowhere").isEmpty();
      }
    }
    if (kustomization == Kustomization.DEMO) {
      Manifests.Workload prometheus = manifests.workload("prometheus");
      for (V1NetworkPolicy policy : policies) {
        List<V1NetworkPolicyPeer> peers = policy.getSpec().getIngress().stream()
            .flatMap(rule -> Objects.requireNonNullElse(rule.getFrom(), List.<V1NetworkPolicyPeer>of()).stream())
            .toList();
        assertThat(peers).as("%s admits the demo's Prometheus", policy.getMetadata().getName())
            .anyMatch(peer -> peer.getNamespaceSelector() == null
                && Manifests.matches(peer.getPodSelector(), prometheus.podLabels()));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void theProbeMayResolveNamesAndReachEveryTargetItProbesAndNothingElse(Kustomization kustomization) {
    Manifests manifests = kustomization.render();
    V1NetworkPolicy policy = manifests.get(V1NetworkPolicy.class, "probe");
    List<V1NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();

    V1NetworkPolicyEgressRule dns = egress.stream()
        .filter(rule -> rule.getPorts().stream().anyMatch(p -> p.getPort().equals(new IntOrString(53))))
        .findFirst().orElseThrow(() -> new AssertionError("no egress rule for DNS"));
    assertThat(dns.getPorts()).extracting(p -> p.getPort().getIntValue() + "/" + p.getProtocol())
        .containsExactlyInAnyOrder("53/UDP", "53/TCP");
    assertThat(dns.getTo()).singleElement().satisfies(peer -> {
      assertThat(peer.getNamespaceSelector().getMatchLabels())
          .containsExactlyEntriesOf(Map.of("kubernetes.io/metadata.name", "kube-system"));
      assertThat(peer.getPodSelector().getMatchLabels()).containsExactlyEntriesOf(Map.of("k8s-app", "kube-dns"));
    });

    Set<Integer> allowed = new TreeSet<>(Set.of(53, 80, 443));
    for (Target target : probeConfig(kustomization, "10.0.0.1").targets()) {
      int port = target.address().port();
      allowed.add(port);
      Optional<Manifests.Workload> behind = serviceWorkload(manifests, target.address().host(), port);
      assertThat(egress).as("an egress rule to target '%s'", target.name()).anySatisfy(rule -> {
        assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntValue() + "/" + p.getProtocol())
            .contains(port + "/TCP");
        if (behind.isPresent()) {
          assertThat(rule.getTo()).isNotEmpty().allSatisfy(peer -> assertThat(peer.getNamespaceSelector() == null
              && Manifests.matches(peer.getPodSelector(), behind.get().podLabels())).isTrue());
        } else {
          assertThat(rule.getTo()).as("anywhere").isNullOrEmpty();
        }
      });
    }
    assertThat(egress).flatExtracting(V1NetworkPolicyEgressRule::getPorts)
        .allSatisfy(port -> {
          assertThat(port.getPort().isInteger()).isTrue();
          assertThat(allowed).contains(port.getPort().getIntValue());
        });
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void theProbesConfigPassesItsOwnValidationInEveryPodAndItsPeersHoldEachTargetOnce(Kustomization kustomization) {
    Manifests.Workload probe = kustomization.render().workload("probe");
    List<String> podAddresses = podAddresses(probe.replicas());
    Map<String, Integer> owners = new HashMap<>();
    for (String address : podAddresses) {
      ProbeConfig config = probeConfig(kustomization, address);

      assertThat(config.shard()).isInstanceOf(Peers.class);
      Peers peers = (Peers) config.shard();
      assertThat(peers.self()).as("the pod at %s names itself", address).isEqualTo(address);
      assertThat(peers.replicas()).isEqualTo(1);
      assertThat(config.http().port()).isEqualTo(containerPorts(probe).get("metrics").getContainerPort());
      assertThat(config.targets()).extracting(Target::name).containsExactly("greeter", "apple");
      Target greeter = config.targets().get(0);
      assertThat(greeter.address().host()).isEqualTo("greeter.greetprobe.svc.cluster.local");
      assertThat(greeter.address().port()).isEqualTo(12345);
      assertThat(greeter.expect().pattern()).isEqualTo("^Thank You for Connecting$");
      assertThat(config.targets().get(1).address()).hasToString("www.apple.com:80");
      assertThat(greeter.tls() != null).as("TLS to the greeter").isEqualTo(kustomization == Kustomization.PRODUCTION);
      Membership membership = new Membership(podAddresses, address, peers.replicas());
      for (Target held : ShardAssignment.of(membership, config.targets()).held()) {
        owners.merge(held.name(), 1, Integer::sum);
      }
    }
    assertThat(owners).as("pods probing each target").isEqualTo(Map.of("greeter", 1, "apple", 1));
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void theProbeReadsItsConfigFromAWholeDirectoryMountOfAConfigMapThatIsEditedInPlace(Kustomization kustomization) {
    Manifests manifests = kustomization.render();
    V1StatefulSet statefulSet = manifests.get(V1StatefulSet.class, "probe");
    V1PodSpec pod = statefulSet.getSpec().getTemplate().getSpec();
    V1Container container = pod.getContainers().get(0);
    assertThat(container.getArgs()).hasSize(2).startsWith("--config");
    Path file = Path.of(container.getArgs().get(1));
    V1VolumeMount mount = mounts(container).stream().filter(m -> Path.of(m.getMountPath()).equals(file.getParent()))
        .findFirst().orElseThrow(() -> new AssertionError("nothing is mounted at " + file.getParent()));

    assertThat(mount.getSubPath()).as("a subPath mount never sees a ConfigMap's updates").isNull();
    String name = volume(pod, mount.getName()).getConfigMap().getName();
    assertThat(name).as("a fixed name, which `kubectl edit configmap probe-config` edits").isEqualTo("probe-config");
    V1ConfigMap configMap = manifests.get(V1ConfigMap.class, name);
    assertThat(configMap.getImmutable()).isNotEqualTo(Boolean.TRUE);
    assertThat(configMap.getData()).containsOnlyKeys(file.getFileName().toString());
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void theProbeNamesItselfByItsPodAddressAndLearnsItsPeersFromTheServiceOfItsReadyPods(Kustomization kustomization) {
    Manifests manifests = kustomization.render();
    Manifests.Workload probe = manifests.workload("probe");
    V1Container container = probe.template().getSpec().getContainers().get(0);
    V1Service governing = manifests.get(V1Service.class,
        manifests.get(V1StatefulSet.class, "probe").getSpec().getServiceName());

    assertThat(env(container, "PROBE_SHARD_SELF").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("status.podIP");
    assertThat(plainEnv(container)).as("nothing to keep in step with the replicas")
        .doesNotContainKeys("PROBE_SHARD_COUNT", "PROBE_SHARD_INDEX");
    assertThat(((Peers) probeConfig(kustomization, "10.0.0.1").shard()).name())
        .isEqualTo(governing.getMetadata().getName() + "." + governing.getMetadata().getNamespace()
            + ".svc.cluster.local");
    assertThat(governing.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(governing.getSpec().getPublishNotReadyAddresses()).as("a pod not ready is no peer").isFalse();
    assertThat(probe.replicas()).isEqualTo(kustomization == Kustomization.PRODUCTION ? 3 : 2);
  }

  /** The Kubernetes doc's way to scale the probe: change the replicas, and nothing in a pod changes with them. */
  @Test
  void changingTheProbesReplicasInAnOverlayChangesNothingInItsPods(@TempDir Path dir) throws IOException {
    Path deploy = dir.resolve("deploy");
    for (String part : List.of("base", "components", "overlays")) {
      Project.copyTree(Project.ROOT.resolve("deploy").resolve(part), deploy.resolve(part));
    }
    Path production = deploy.resolve("overlays/production/kustomization.yaml");
    String text = Files.readString(production);
    assertThat(text).contains("  - name: probe\n    count: 3\n");
    Files.writeString(production, text.replace("  - name: probe\n    count: 3\n", "  - name: probe\n    count: 5\n"));

    Manifests.Workload probe = Manifests.parse(Kubectl.kustomize(production.getParent())).workload("probe");

    assertThat(probe.replicas()).isEqualTo(5);
    assertThat(probe.template()).isEqualTo(Kustomization.PRODUCTION.render().workload("probe").template());
  }

  /** The optional autoscaler scales the probe's StatefulSet on CPU, never below two pods. */
  @Test
  void theProbeAutoscalingComponentScalesTheProbeOnCpu(@TempDir Path dir) throws IOException {
    Path deploy = dir.resolve("deploy");
    for (String part : List.of("base", "components")) {
      Project.copyTree(Project.ROOT.resolve("deploy").resolve(part), deploy.resolve(part));
    }
    Path overlay = Files.createDirectories(deploy.resolve("overlays/autoscaled"));
    Files.writeString(overlay.resolve("kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - ../../base
        components:
          - ../../components/probe-autoscaling
        """);

    Manifests manifests = Manifests.parse(Kubectl.kustomize(overlay));
    V2HorizontalPodAutoscaler hpa = manifests.get(V2HorizontalPodAutoscaler.class, "probe");

    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("StatefulSet");
    V1StatefulSet probe = manifests.get(V1StatefulSet.class, hpa.getSpec().getScaleTargetRef().getName());
    assertThat(probe.getMetadata().getName()).isEqualTo("probe");
    assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(probe.getSpec().getReplicas()).isBetween(hpa.getSpec().getMinReplicas(), hpa.getSpec().getMaxReplicas());
    assertThat(hpa.getSpec().getMetrics()).extracting(V2MetricSpec::getType).containsExactly("Resource");
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getName()).isEqualTo("cpu");
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void theGreetersEnvironmentIsAValidConfigAndItDrainsWithinItsGracePeriod(Kustomization kustomization,
      @TempDir Path dir) throws IOException {
    Manifests.Workload greeter = kustomization.render().workload("greeter");
    V1PodSpec pod = greeter.template().getSpec();
    V1Container container = pod.getContainers().get(0);
    Map<String, String> env = new HashMap<>(plainEnv(container));
    for (String file : List.of("GREETER_TLS_CERT_FILE", "GREETER_TLS_KEY_FILE")) {
      if (env.containsKey(file)) {
        // The Secret's files, mounted in the pod, are not here: stand-ins let the rest of the config be checked.
        env.put(file, Files.writeString(dir.resolve(Path.of(env.get(file)).getFileName()), "PEM").toString());
      }
    }

    GreeterConfig config = GreeterConfig.from(null, env);

    Map<String, V1ContainerPort> ports = containerPorts(greeter);
    assertThat(config.port()).isEqualTo(ports.get("greeting").getContainerPort());
    assertThat(config.http().port()).isEqualTo(ports.get("metrics").getContainerPort());
    assertThat(config.tls() != null).as("TLS").isEqualTo(kustomization == Kustomization.PRODUCTION);
    long preStop = container.getLifecycle().getPreStop().getSleep().getSeconds();
    long drain = config.drainTimeout().toSeconds();
    assertThat(preStop).as("preStop sleep, for endpoints to drop the pod first").isPositive();
    assertThat(pod.getTerminationGracePeriodSeconds()).as("grace period after preStop %ds and drain %ds", preStop,
        drain).isGreaterThan(preStop + drain);
  }

  @Test
  void withTheTlsComponentTheGreeterServesTheCertificateOfItsSecretMountedAsADirectory() {
    Manifests manifests = Kustomization.PRODUCTION.render();
    V1PodSpec pod = manifests.workload("greeter").template().getSpec();
    V1Container container = pod.getContainers().get(0);
    Map<String, String> env = plainEnv(container);

    for (String variable : List.of("GREETER_TLS_CERT_FILE", "GREETER_TLS_KEY_FILE")) {
      Path file = Path.of(env.get(variable));
      V1VolumeMount mount = mounts(container).stream()
          .filter(m -> Path.of(m.getMountPath()).equals(file.getParent())).findFirst().orElseThrow();
      V1Volume volume = volume(pod, mount.getName());
      assertThat(volume.getSecret().getSecretName()).isEqualTo("greeter-tls");
      assertThat(volume.getSecret().getItems()).as("every key of the Secret").isNullOrEmpty();
      assertThat(mount.getSubPath()).isNull();
      assertThat(Project.read(Project.COMPONENTS.resolve("tls/README.md")))
          .contains("`" + file.getFileName() + "`");
    }
    for (Kustomization plain : List.of(Kustomization.BASE, Kustomization.DEMO)) {
      assertThat(plainEnv(plain.render().workload("greeter").template().getSpec().getContainers().get(0)))
          .doesNotContainKeys("GREETER_TLS_CERT_FILE", "GREETER_TLS_KEY_FILE");
    }
  }

  @Test
  void theTlsComponentProbesTheBasesTargetsWithTheGreeterOverTls() {
    Map<String, Object> base = Yaml.parse(
        Kustomization.BASE.render().get(V1ConfigMap.class, "probe-config").getData().get("probe.yaml"));
    Map<String, Object> tls = Yaml.parse(
        Kustomization.PRODUCTION.render().get(V1ConfigMap.class, "probe-config").getData().get("probe.yaml"));
    List<Object> baseTargets = Yaml.list(base.get("targets"));
    List<Object> tlsTargets = Yaml.list(tls.get("targets"));
    Map<String, Object> greeter = new HashMap<>(Yaml.map(tlsTargets.get(0)));

    assertThat(greeter.remove("tls")).isEqualTo(true);
    assertThat(greeter.remove("ca_file")).isEqualTo("/etc/greeter-ca/ca.crt");
    assertThat(greeter).isEqualTo(baseTargets.get(0));
    assertThat(tlsTargets.subList(1, tlsTargets.size())).isEqualTo(baseTargets.subList(1, baseTargets.size()));
    Map<String, Object> baseRest = new HashMap<>(base);
    Map<String, Object> tlsRest = new HashMap<>(tls);
    baseRest.remove("targets");
    tlsRest.remove("targets");
    assertThat(tlsRest).isEqualTo(baseRest);
  }

  @Test
  void serviceMonitorsScrapeTheMetricsPortOfEveryPodOfTheJobsTheAlertRulesExpect() {
    Manifests manifests = Kustomization.PRODUCTION.render();
    Set<String> jobs = new TreeSet<>();
    for (Manifests.Item monitor : manifests.ofKind("ServiceMonitor")) {
      Map<String, Object> spec = monitor.spec();
      assertThat(spec).as("%s names its job after its Service", monitor).doesNotContainKeys("jobLabel",
          "namespaceSelector");
      V1LabelSelector selector = new V1LabelSelector().matchLabels(Yaml.map(Yaml.map(spec.get("selector"))
          .get("matchLabels")).entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue()))));
      List<V1Service> services = manifests.all(V1Service.class).stream()
          .filter(s -> Manifests.matches(selector, s.getMetadata().getLabels())).toList();
      assertThat(services).as("Services %s selects", monitor).hasSize(1);
      V1Service service = services.get(0);
      for (Object endpoint : Yaml.list(spec.get("endpoints"))) {
        assertThat(service.getSpec().getPorts()).extracting(V1ServicePort::getName)
            .contains(String.valueOf(Yaml.map(endpoint).get("port")));
        assertThat(Yaml.map(endpoint).get("path")).isEqualTo("/metrics");
      }
      jobs.add(service.getMetadata().getName());
    }

    assertThat(jobs).isEqualTo(ruleJobs());
  }

  @Test
  void theDemoPrometheusDiscoversEveryPodOfTheJobsTheAlertRulesExpect() {
    Manifests manifests = Kustomization.DEMO.render();
    Map<String, Object> config = Yaml.parse(
        Kustomization.DEMO.render().generatedConfigMap("prometheus-config").getData().get("prometheus.yml"));
    Set<String> jobs = new TreeSet<>();
    for (Object scrape : Yaml.list(config.get("scrape_configs"))) {
      Map<String, Object> job = Yaml.map(scrape);
      String name = String.valueOf(job.get("job_name"));
      jobs.add(name);
      List<Object> discoveries = Yaml.list(job.get("dns_sd_configs"));
      assertThat(discoveries).as("job %s", name).hasSize(1);
      Map<String, Object> dns = Yaml.map(discoveries.get(0));
      assertThat(dns.get("type")).isEqualTo("A");
      for (Object host : Yaml.list(dns.get("names"))) {
        V1Service service = service(manifests, String.valueOf(host));
        assertThat(service.getSpec().getClusterIP()).as("%s is headless: a record per pod", host).isEqualTo("None");
        // The greeter's pods are listed ready or not, so that one that stops answering shows as up == 0; the probe's
        // are its peers, ready only, and one not ready has had its targets taken over.
        assertThat(service.getSpec().getPublishNotReadyAddresses()).as("%s lists pods not ready", host)
            .isEqualTo(!name.equals("probe"));
        assertThat(service.getSpec().getPorts()).extracting(V1ServicePort::getPort).contains((Integer) dns.get("port"));
        assertThat(manifests.selectedBy(service.getSpec().getSelector())).extracting(Manifests.Workload::name)
            .containsExactly(name);
      }
    }
    assertThat(jobs).isEqualTo(ruleJobs());

    V1PodSpec prometheus = manifests.workload("prometheus").template().getSpec();
    assertThat(prometheus.getContainers().get(0).getArgs()).contains("--config.file=/etc/prometheus/prometheus.yml");
    assertThat(mountedConfigMap(prometheus, "/etc/prometheus"))
        .isEqualTo(Kustomization.DEMO.render().generatedConfigMap("prometheus-config").getMetadata().getName());
  }

  @Test
  void theDemoGrafanaQueriesTheDemoPrometheusAndFindsTheDashboardWhereItsProviderLooks() {
    Manifests manifests = Kustomization.DEMO.render();
    Map<String, Object> datasources = Yaml.parse(
        Kustomization.DEMO.render().generatedConfigMap("grafana-datasources").getData().get("prometheus.yaml"));
    URI url = URI.create(String.valueOf(Yaml.map(Yaml.list(datasources.get("datasources")).get(0)).get("url")));
    V1Service service = service(manifests, url.getHost());
    assertThat(service.getSpec().getPorts()).extracting(V1ServicePort::getPort).contains(url.getPort());
    assertThat(manifests.selectedBy(service.getSpec().getSelector())).extracting(Manifests.Workload::name)
        .containsExactly("prometheus");

    V1ConfigMap providerConfig = manifests.generatedConfigMap("grafana-dashboard-providers");
    Map<String, Object> providers = Yaml.parse(providerConfig.getData().get("greetprobe.yaml"));
    String path = String.valueOf(Yaml.map(Yaml.map(Yaml.list(providers.get("providers")).get(0)).get("options"))
        .get("path"));
    V1PodSpec grafana = manifests.workload("grafana").template().getSpec();
    assertThat(mountedConfigMap(grafana, path)).isEqualTo("greetprobe-dashboard");
    assertThat(mountedConfigMap(grafana, "/etc/grafana/provisioning/datasources"))
        .isEqualTo(manifests.generatedConfigMap("grafana-datasources").getMetadata().getName());
    assertThat(mountedConfigMap(grafana, "/etc/grafana/provisioning/dashboards"))
        .isEqualTo(providerConfig.getMetadata().getName());
  }

  /** Addresses for {@code count} pods, as the cluster would give them. */
  private static List<String> podAddresses(int count) {
    return IntStream.range(0, count).mapToObj(i -> "10.0.0." + (i + 1)).toList();
  }

  /** The probe's config as the pod at {@code podAddress} loads it, with the environment its StatefulSet gives it. */
  private static ProbeConfig probeConfig(Kustomization kustomization, String podAddress) {
    Manifests manifests = kustomization.render();
    V1PodSpec pod = manifests.get(V1StatefulSet.class, "probe").getSpec().getTemplate().getSpec();
    V1Container container = pod.getContainers().get(0);
    Path file = Path.of(container.getArgs().get(1));
    String text = manifests.get(V1ConfigMap.class, mountedConfigMap(pod, file.getParent().toString())).getData()
        .get(file.getFileName().toString());
    Matcher caFile = Pattern.compile("ca_file: (\\S+)").matcher(text);
    while (caFile.find()) {
      Path ca = Path.of(caFile.group(1));
      V1Volume volume = mountedVolume(pod, ca.getParent().toString());
      assertThat(volume.getSecret().getItems()).extracting(V1KeyToPath::getPath)
          .contains(ca.getFileName().toString());
      // The Secret's CA certificate is mounted in the pod, not here: a stand-in lets the rest be validated.
      text = text.replace(caFile.group(1), standIn(ca.getFileName().toString()).toString());
    }
    Map<String, String> env = new HashMap<>(plainEnv(container));
    for (V1EnvVar var : Objects.requireNonNullElse(container.getEnv(), List.<V1EnvVar>of())) {
      if (var.getValueFrom() != null && "status.podIP".equals(var.getValueFrom().getFieldRef().getFieldPath())) {
        env.put(var.getName(), podAddress);
      }
    }
    return ProbeConfig.parse(text, "ConfigMap probe-config of " + kustomization, env);
  }

  private static Path standIn(String name) {
    try {
      Path file = Files.createTempFile("stand-in", name);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The workloads behind {@code host}, when it is the in-cluster name of a Service of the namespace. */
  private static Optional<Manifests.Workload> serviceWorkload(Manifests manifests, String host, int port) {
    if (!host.endsWith(".svc.cluster.local")) {
      return Optional.empty();
    }
    V1Service service = service(manifests, host);
    V1ServicePort servicePort = service.getSpec().getPorts().stream().filter(p -> p.getPort() == port).findFirst()
        .orElseThrow(() -> new AssertionError("Service " + host + " has no port " + port));
    List<Manifests.Workload> behind = manifests.selectedBy(service.getSpec().getSelector());
    assertThat(behind).hasSize(1);
    V1ContainerPort target = containerPorts(behind.get(0)).get(servicePort.getTargetPort().getStrValue());
    assertThat(target.getContainerPort()).as("the port the probe's egress opens").isEqualTo(port);
    return Optional.of(behind.get(0));
  }

  /** The Service named by {@code host}: NAME.NAMESPACE.svc, optionally followed by the cluster's domain. */
  private static V1Service service(Manifests manifests, String host) {
    String[] labels = host.split("\\.");
    assertThat(labels.length).as(host).isGreaterThanOrEqualTo(3);
    assertThat(labels[1]).as("namespace of %s", host).isEqualTo(NAMESPACE);
    assertThat(labels[2]).as(host).isEqualTo("svc");
    return manifests.get(V1Service.class, labels[0]);
  }

  private static boolean isPrometheus(Manifests manifests, V1NetworkPolicyPeer peer) {
    if (peer.getIpBlock() != null) {
      return false;
    }
    if (peer.getNamespaceSelector() != null) {
      return peer.getPodSelector() == null && MONITORING_NAMESPACE.equals(peer.getNamespaceSelector().getMatchLabels())
          && Objects.requireNonNullElse(peer.getNamespaceSelector().getMatchExpressions(), List.of()).isEmpty();
    }
    return manifests.selectedBy(peer.getPodSelector()).stream().map(Manifests.Workload::name).toList()
        .equals(List.of("prometheus"));
  }

  private static int mayBeDisrupted(V1PodDisruptionBudget pdb, int replicas) {
    IntOrString minAvailable = pdb.getSpec().getMinAvailable();
    IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
    assertThat(minAvailable == null).as("exactly one of minAvailable and maxUnavailable")
        .isNotEqualTo(maxUnavailable == null);
    // As the disruption controller rounds: minAvailable percentages up, maxUnavailable percentages up.
    if (minAvailable != null) {
      return replicas - scaled(minAvailable, replicas);
    }
    return scaled(maxUnavailable, replicas);
  }

  private static int scaled(IntOrString value, int replicas) {
    if (value.isInteger()) {
      return value.getIntValue();
    }
    assertThat(value.getStrValue()).matches("\\d+%");
    int percent = Integer.parseInt(value.getStrValue().replace("%", ""));
    return (int) Math.ceil(percent * replicas / 100.0);
  }

  private static Set<String> ruleJobs() {
    Set<String> jobs = new TreeSet<>();
    for (AlertRule rule : AlertRule.load()) {
      Matcher job = JOB.matcher(rule.expr());
      while (job.find()) {
        jobs.add(job.group(1));
      }
    }
    assertThat(jobs).isNotEmpty();
    return jobs;
  }

  private static String mountedConfigMap(V1PodSpec pod, String path) {
    V1Volume volume = mountedVolume(pod, path);
    assertThat(volume.getConfigMap()).as("the volume at %s", path).isNotNull();
    return volume.getConfigMap().getName();
  }

  private static V1Volume mountedVolume(V1PodSpec pod, String path) {
    for (V1Container container : pod.getContainers()) {
      for (V1VolumeMount mount : mounts(container)) {
        if (Path.of(mount.getMountPath()).equals(Path.of(path))) {
          return volume(pod, mount.getName());
        }
      }
    }
    throw new AssertionError("nothing is mounted at " + path);
  }

  private static Map<String, V1ContainerPort> containerPorts(Manifests.Workload workload) {
    Map<String, V1ContainerPort> ports = new HashMap<>();
    workload.template().getSpec().getContainers().forEach(c -> ports.putAll(containerPorts(c)));
    return ports;
  }

  private static Map<String, V1ContainerPort> containerPorts(V1Container container) {
    Map<String, V1ContainerPort> ports = new HashMap<>();
    for (V1ContainerPort port : Objects.requireNonNullElse(container.getPorts(), List.<V1ContainerPort>of())) {
      ports.put(port.getName(), port);
    }
    return ports;
  }

  private static Map<String, String> plainEnv(V1Container container) {
    Map<String, String> env = new HashMap<>();
    for (V1EnvVar var : Objects.requireNonNullElse(container.getEnv(), List.<V1EnvVar>of())) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      }
    }
    return env;
  }

  private static V1EnvVar env(V1Container container, String name) {
    return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no variable " + name));
  }

  private static List<V1VolumeMount> mounts(V1Container container) {
    return Objects.requireNonNullElse(container.getVolumeMounts(), List.of());
  }

  private static V1Volume volume(V1PodSpec pod, String name) {
    return Objects.requireNonNullElse(pod.getVolumes(), List.<V1Volume>of()).stream()
        .filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("a mount names volume " + name + ", which the pod does not have"));
  }
}
