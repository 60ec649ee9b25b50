package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Capabilities;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1SeccompProfile;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every pod of every kustomization passes the restricted Pod Security Standard, which the namespace enforces, and is
 * hardened beyond it: a read-only root with an emptyDir for /tmp, requests and limits, no service-account token.
 */
class RestrictedPodSecurityTest {

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void theNamespaceEnforcesTheRestrictedProfile(Kustomization kustomization) {
    V1Namespace namespace = kustomization.render().get(V1Namespace.class, "greetprobe");

    assertThat(namespace.getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyPodRunsAsANonRootUserAndGroup(Kustomization kustomization) {
    forEveryContainer(kustomization, (workload, pod, container) -> {
      V1PodSecurityContext podContext = Objects.requireNonNull(pod.getSecurityContext(), workload + " pod context");
      V1SecurityContext context = containerContext(workload, container);
      Boolean nonRoot = Optional.ofNullable(context.getRunAsNonRoot()).orElse(podContext.getRunAsNonRoot());
      Long user = Optional.ofNullable(context.getRunAsUser()).orElse(podContext.getRunAsUser());
      Long group = Optional.ofNullable(context.getRunAsGroup()).orElse(podContext.getRunAsGroup());

      assertThat(nonRoot).as("runAsNonRoot of %s", workload).isTrue();
      assertThat(user).as("runAsUser of %s", workload).isNotNull().isPositive();
      assertThat(group).as("runAsGroup of %s", workload).isNotNull().isPositive();
      assertThat(podContext.getFsGroup()).as("fsGroup of %s", workload).isNotNull().isPositive();
      assertThat(podContext.getSupplementalGroups()).as("supplementalGroups of %s", workload)
          .satisfiesAnyOf(groups -> assertThat(groups).isNull(), groups -> assertThat(groups).allMatch(g -> g > 0));
    });
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyContainerUsesTheRuntimeDefaultSeccompProfile(Kustomization kustomization) {
    forEveryContainer(kustomization, (workload, pod, container) -> {
      V1SeccompProfile profile = Optional.ofNullable(containerContext(workload, container).getSeccompProfile())
          .orElse(pod.getSecurityContext().getSeccompProfile());

      assertThat(profile).as("seccompProfile of %s", workload).isNotNull();
      assertThat(profile.getType()).as("seccompProfile of %s", workload).isEqualTo("RuntimeDefault");
    });
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyContainerDropsAllCapabilitiesAndCannotGainPrivileges(Kustomization kustomization) {
    forEveryContainer(kustomization, (workload, pod, container) -> {
      V1SecurityContext context = containerContext(workload, container);
      V1Capabilities capabilities = Objects.requireNonNull(context.getCapabilities(), workload + " capabilities");

      assertThat(context.getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation of %s", workload).isFalse();
      assertThat(context.getPrivileged()).as("privileged of %s", workload).isNotEqualTo(Boolean.TRUE);
      assertThat(capabilities.getDrop()).as("capabilities dropped by %s", workload).contains("ALL");
      assertThat(capabilities.getAdd()).as("capabilities added by %s", workload).isNullOrEmpty();
      assertThat(context.getProcMount()).as("procMount of %s", workload).isIn(null, "Default");
    });
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyContainerHasAReadOnlyRootFileSystemAndAnEmptyDirForTmp(Kustomization kustomization) {
    forEveryContainer(kustomization, (workload, pod, container) -> {
      assertThat(containerContext(workload, container).getReadOnlyRootFilesystem())
          .as("readOnlyRootFilesystem of %s", workload).isTrue();
      V1VolumeMount tmp = mounts(container).stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
          .orElseThrow(() -> new AssertionError(workload + " mounts nothing on /tmp"));
      assertThat(volume(pod, tmp.getName()).getEmptyDir()).as("the /tmp volume of %s", workload).isNotNull();
      assertThat(tmp.getReadOnly()).as("/tmp of %s", workload).isNotEqualTo(Boolean.TRUE);
    });
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyContainerRequestsAndIsLimitedInCpuAndMemory(Kustomization kustomization) {
    forEveryContainer(kustomization, (workload, pod, container) -> {
      V1ResourceRequirements resources = Objects.requireNonNull(container.getResources(), workload + " resources");
      for (String resource : List.of("cpu", "memory")) {
        Quantity request = resources.getRequests() == null ? null : resources.getRequests().get(resource);
        Quantity limit = resources.getLimits() == null ? null : resources.getLimits().get(resource);

        assertThat(request).as("%s request of %s", resource, workload).isNotNull();
        assertThat(limit).as("%s limit of %s", resource, workload).isNotNull();
        assertThat(request.getNumber()).as("%s request of %s, within its limit", resource, workload)
            .isPositive().isLessThanOrEqualTo(limit.getNumber());
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void noPodHasAServiceAccountTokenOrAnyAccessToItsHost(Kustomization kustomization) {
    Manifests manifests = kustomization.render();
    forEveryContainer(kustomization, (workload, pod, container) -> {
      assertThat(pod.getAutomountServiceAccountToken()).as("automountServiceAccountToken of %s", workload).isFalse();
      assertThat(pod.getServiceAccountName()).as("service account of %s", workload).isNotBlank();
      V1ServiceAccount account = manifests.get(V1ServiceAccount.class, pod.getServiceAccountName());
      assertThat(account.getAutomountServiceAccountToken()).as("token of account %s", pod.getServiceAccountName())
          .isFalse();

      assertThat(List.of(flag(pod.getHostNetwork()), flag(pod.getHostPID()), flag(pod.getHostIPC())))
          .as("hostNetwork, hostPID, hostIPC of %s", workload).containsOnly(false);
      assertThat(Objects.requireNonNullElse(container.getPorts(), List.<V1ContainerPort>of()))
          .as("host ports of %s", workload).allMatch(p -> p.getHostPort() == null || p.getHostPort() == 0);
      for (V1Volume volume : Objects.requireNonNullElse(pod.getVolumes(), List.<V1Volume>of())) {
        assertThat(volume.getHostPath()).as("volume %s of %s", volume.getName(), workload).isNull();
        assertThat(restrictedVolumeType(volume)).as("type of volume %s of %s", volume.getName(), workload)
            .isTrue();
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyJvmSizesItsHeapFromItsContainersMemoryLimit(Kustomization kustomization) {
    forEveryContainer(kustomization, (workload, pod, container) -> {
      if (!container.getImage().startsWith("ghcr.io/greetprobe/")) {
        return;
      }
      String options = Objects.requireNonNullElse(container.getEnv(), List.<V1EnvVar>of()).stream()
          .filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).map(V1EnvVar::getValue).findFirst().orElse("");

      assertThat(options).as("JAVA_TOOL_OPTIONS of %s", workload)
          .containsPattern("-XX:MaxRAMPercentage=\\d+")
          .contains("-XX:+ExitOnOutOfMemoryError");
    });
  }

  /** The volume types the restricted profile allows: no hostPath, nor any of the node-bound legacy types. */
  private static boolean restrictedVolumeType(V1Volume v) {
    return v.getConfigMap() != null || v.getSecret() != null || v.getEmptyDir() != null || v.getProjected() != null
        || v.getDownwardAPI() != null || v.getCsi() != null || v.getEphemeral() != null
        || v.getPersistentVolumeClaim() != null;
  }

  private static boolean flag(Boolean value) {
    return Boolean.TRUE.equals(value);
  }

  @FunctionalInterface
  interface ContainerCheck {
    void check(String workload, V1PodSpec pod, V1Container container);
  }

  /** Runs {@code check} on every container, init containers included, of every pod the kustomization makes. */
  private static void forEveryContainer(Kustomization kustomization, ContainerCheck check) {
    List<Manifests.Workload> workloads = kustomization.render().workloads();
    assertThat(workloads).isNotEmpty();
    for (Manifests.Workload workload : workloads) {
      V1PodSpec pod = workload.template().getSpec();
      List<V1Container> containers = new ArrayList<>(pod.getContainers());
      containers.addAll(Objects.requireNonNullElse(pod.getInitContainers(), List.of()));
      for (V1Container container : containers) {
        check.check(workload + " container " + container.getName(), pod, container);
      }
    }
  }

  private static V1SecurityContext containerContext(String workload, V1Container container) {
    return Objects.requireNonNull(container.getSecurityContext(), workload + " has no securityContext");
  }

  private static List<V1VolumeMount> mounts(V1Container container) {
    return Objects.requireNonNullElse(container.getVolumeMounts(), List.of());
  }

  private static V1Volume volume(V1PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }
}
