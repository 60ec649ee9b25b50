package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greetprobe.deploy.local.LocalCluster;
import dev.greetprobe.deploy.local.ManifestException;
import dev.greetprobe.deploy.local.NotHonoured;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local runner reads every rendering of the manifests strictly: each field is honoured, or listed in
 * {@link NotHonoured} with its reason, or refused by its path, so a new field cannot be skipped in silence.
 */
class LocalRunnerManifestsTest {

  static Stream<Path> renderings() {
    return Stream.of(Project.KUSTOMIZE_BASE, Project.OVERLAYS.resolve("demo"), Project.OVERLAYS.resolve("production"),
        LocalImages.OVERLAY);
  }

  @ParameterizedTest
  @MethodSource("renderings")
  void everyFieldOfEveryRenderingIsHonouredOrListedAsNotHonoured(Path kustomization) {
    assertThat(LocalCluster.workloads(Kubectl.kustomize(kustomization)))
        .contains("Deployment/greeter", "StatefulSet/probe");
  }

  @Test
  void aFieldTheRunnerDoesNotKnowIsRefusedByItsPath() {
    String rendered = Kubectl.kustomize(LocalImages.OVERLAY)
        .replace("      containers:\n      - args:\n        - --config\n",
            "      shareProcessNamespace: true\n      containers:\n      - args:\n        - --config\n");
    assertThat(rendered).contains("shareProcessNamespace");
    assertThatThrownBy(() -> LocalCluster.workloads(rendered))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("StatefulSet/probe.spec.template.spec.shareProcessNamespace")
        .hasMessageContaining("not understood by the local runner");
  }

  @Test
  void aContainerFieldTheRunnerDoesNotKnowIsRefusedByItsPath() {
    String rendered = Kubectl.kustomize(LocalImages.OVERLAY)
        .replace("        imagePullPolicy: IfNotPresent\n        lifecycle:",
            "        imagePullPolicy: IfNotPresent\n        stdin: true\n        lifecycle:");
    assertThat(rendered).contains("stdin: true");
    assertThatThrownBy(() -> LocalCluster.workloads(rendered))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("Deployment/greeter.spec.template.spec.containers.stdin");
  }

  @Test
  void aKindThatIsNeitherRunNorListedIsRefused() {
    String rendered = Kubectl.kustomize(LocalImages.OVERLAY) + """
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: nightly
        spec: {}
        """;
    assertThatThrownBy(() -> LocalCluster.workloads(rendered)).hasMessageContaining("kind CronJob");
  }

  @Test
  void everyFieldNotHonouredSaysWhy() {
    assertThat(NotHonoured.reasons()).isNotEmpty().allSatisfy((field, reason) -> assertThat(reason).isNotBlank());
  }
}
