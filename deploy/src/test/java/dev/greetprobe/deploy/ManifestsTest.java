package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The manifests as users apply them: the base and each overlay render with {@code kubectl kustomize} into the objects
 * they promise, every object is valid by the Kubernetes API's own models (or, for the Prometheus Operator's resources,
 * by their CRDs), images are pinned, and the monitoring they ship is the repository's dashboard and rules.
 */
class ManifestsTest {

  private static final List<String> BASE_OBJECTS = List.of(
      "Namespace/greetprobe",
      "ServiceAccount/greeter", "Deployment/greeter", "Service/greeter", "PodDisruptionBudget/greeter",
      "HorizontalPodAutoscaler/greeter", "NetworkPolicy/greeter",
      "ServiceAccount/probe", "ConfigMap/probe-config", "StatefulSet/probe", "Service/probe",
      "PodDisruptionBudget/probe", "NetworkPolicy/probe");
  private static final List<String> DEMO_OBJECTS = List.of(
      "Service/greeter-metrics",
      "ServiceAccount/prometheus", "Deployment/prometheus", "Service/prometheus", "ConfigMap/prometheus-config",
      "ServiceAccount/grafana", "Deployment/grafana", "Service/grafana", "ConfigMap/grafana-datasources",
      "ConfigMap/grafana-dashboard-providers", "ConfigMap/greetprobe-dashboard");
  private static final List<String> PRODUCTION_OBJECTS = List.of(
      "ServiceMonitor/greeter", "ServiceMonitor/probe", "PrometheusRule/greetprobe", "ConfigMap/greetprobe-dashboard");

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void rendersWithKubectlKustomizeIntoTheObjectsItPromises(Kustomization kustomization) {
    List<String> expected = new ArrayList<>(BASE_OBJECTS);
    expected.addAll(switch (kustomization) {
      case BASE -> List.of();
      case DEMO -> DEMO_OBJECTS;
      case PRODUCTION -> PRODUCTION_OBJECTS;
    });

    assertThat(kustomization.render().items())
        .extracting(item -> item.kind() + "/" + Manifests.withoutHash(item.name()))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyObjectIsValidByItsKubernetesModelOrItsCustomResourceDefinition(Kustomization kustomization) {
    for (Manifests.Item item : kustomization.render().items()) {
      if (item.model() == null) {
        assertThat(OperatorResources.isOperatorResource(item.yaml())).as(item.toString()).isTrue();
        assertThat(OperatorResources.problems(item.yaml())).as(item.toString()).isEmpty();
      } else {
        assertThat(item.model().getClass().getSimpleName()).as(item.toString()).endsWith(item.kind());
      }
    }
  }

  /** kustomize copies any field through; the models are what refuse a misspelled one, however deep. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "greeter-deployment.yaml  | '  replicas: 2'            | '  replica: 2'             | replica",
      "greeter-deployment.yaml  | readOnlyRootFilesystem     | readonlyRootFilesystem     | readonlyRootFilesystem",
      "greeter-service.yaml     | 'targetPort: greeting'     | 'targetport: greeting'     | targetport",
      "greeter-hpa.yaml         | averageUtilization         | averageUtilisation         | averageUtilisation",
      "probe-statefulset.yaml   | 'fieldPath: status.podIP'  | 'fieldpath: status.podIP'  | fieldpath",
      "probe-networkpolicy.yaml | namespaceSelector          | namespaceSelecter          | namespaceSelecter",
      "probe-pdb.yaml           | maxUnavailable             | maxUnavailible             | maxUnavailible",
  })
  void aMisspelledFieldAnywhereFailsTheBuild(String file, String field, String misspelled, String named,
      @TempDir Path dir) throws IOException {
    Project.copyTree(Project.KUSTOMIZE_BASE, dir);
    Path manifest = dir.resolve(file);
    String text = Files.readString(manifest);
    assertThat(text).contains(field);
    Files.writeString(manifest, text.replace(field, misspelled));

    String rendered = Kubectl.kustomize(dir);

    assertThat(rendered).as("kustomize passes the field through").contains(misspelled.strip());
    assertThatThrownBy(() -> Manifests.parse(rendered))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("`" + named + "`")
        .hasMessageContaining("is not defined");
  }

  @Test
  void aServiceMonitorOrPrometheusRuleMissingWhatItsSchemaRequiresFailsTheBuild() {
    String rendered = Kubectl.kustomize(Kustomization.PRODUCTION.dir);

    assertThatThrownBy(() -> Manifests.parse(rendered.replace("  endpoints:", "  endpoint:")))
        .hasMessageContaining("ServiceMonitor 'greeter': spec.endpoint: is not a field of the schema")
        .hasMessageContaining("ServiceMonitor 'greeter': spec.endpoints: is required");
    assertThatThrownBy(() -> Manifests.parse(rendered.replaceFirst("expr: ", "expression: ")))
        .hasMessageContaining("PrometheusRule 'greetprobe': spec.groups[0].rules[0].expr: is required");
    assertThatThrownBy(() -> Manifests.parse(rendered.replaceFirst("for: 5m", "for: 5 minutes")))
        .hasMessageContaining("spec.groups[0].rules[0].for: '5 minutes' is not a duration");
    assertThatThrownBy(() -> Manifests.parse(rendered.replaceFirst("matchLabels:", "matchLabel:")))
        .hasMessageContaining("`matchLabel`");
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyObjectIsInTheNamespaceAndCarriesTheRecommendedLabels(Kustomization kustomization) {
    for (Manifests.Item item : kustomization.render().items()) {
      Map<String, Object> labels = Yaml.map(item.metadata().get("labels"));
      assertThat(labels).as("labels of %s", item)
          .containsEntry("app.kubernetes.io/part-of", "greetprobe")
          .containsEntry("app.kubernetes.io/managed-by", "kustomize");
      if (!item.kind().equals("Namespace")) {
        assertThat(item.namespace()).as("namespace of %s", item).isEqualTo("greetprobe");
        assertThat(labels).as("labels of %s", item).containsKey("app.kubernetes.io/name");
      }
    }
    for (Manifests.Workload workload : kustomization.render().workloads()) {
      assertThat(workload.podLabels()).as("pod labels of %s", workload)
          .containsKeys("app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of");
    }
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyPortIsNamed(Kustomization kustomization) {
    for (Manifests.Workload workload : kustomization.render().workloads()) {
      for (V1Container container : workload.template().getSpec().getContainers()) {
        assertThat(container.getPorts()).as("ports of %s", workload).isNotEmpty()
            .extracting(V1ContainerPort::getName).doesNotContainNull();
      }
    }
    for (V1Service service : kustomization.render().all(V1Service.class)) {
      assertThat(service.getSpec().getPorts()).as("ports of Service %s", service.getMetadata().getName())
          .extracting(V1ServicePort::getName).doesNotContainNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Kustomization.class)
  void everyImageIsPinnedToAVersionNeverLatest(Kustomization kustomization) {
    for (Manifests.Workload workload : kustomization.render().workloads()) {
      for (V1Container container : workload.template().getSpec().getContainers()) {
        String image = container.getImage();
        String lastPart = image.substring(image.lastIndexOf('/') + 1);
        assertThat(image.contains("@sha256:") || lastPart.contains(":"))
            .as("%s has a tag or a digest", image).isTrue();
        assertThat(lastPart).as(image).doesNotEndWith(":latest");
      }
    }
    assertThat(images(Kustomization.BASE)).containsExactlyInAnyOrder(
        "ghcr.io/greetprobe/greeter-service:0.1.0", "ghcr.io/greetprobe/probe-service:0.1.0");
  }

  @Test
  void anOverlayReplacesTheServicesImagesThroughKustomizeImages(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - %s
        images:
          - name: ghcr.io/greetprobe/greeter-service
            newName: registry.example/team/greeter-service
            newTag: 1.2.3
          - name: ghcr.io/greetprobe/probe-service
            digest: sha256:%s
        """.formatted(dir.relativize(Project.KUSTOMIZE_BASE), "0".repeat(64)));

    Manifests overridden = Manifests.parse(Kubectl.kustomize(dir));

    assertThat(images(overridden)).containsExactlyInAnyOrder("registry.example/team/greeter-service:1.2.3",
        "ghcr.io/greetprobe/probe-service@sha256:" + "0".repeat(64));
  }

  @ParameterizedTest
  @EnumSource(names = {"DEMO", "PRODUCTION"})
  void theDashboardConfigMapIsTheRepositorysDashboardLabelledForGrafanasSidecar(Kustomization kustomization) {
    V1ConfigMap dashboard = kustomization.render().get(V1ConfigMap.class, "greetprobe-dashboard");

    assertThat(dashboard.getData()).containsOnlyKeys("greetprobe.json");
    assertThat(dashboard.getData().get("greetprobe.json"))
        .as("the ConfigMap's dashboard; if this fails, copy grafana/dashboards/greetprobe.json to "
            + "deploy/components/grafana-dashboard/greetprobe.json")
        .isEqualTo(Project.read(Project.DASHBOARD));
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
  }

  @Test
  void thePrometheusRuleHoldsTheAlertRulesOfRulesYaml() {
    Manifests.Item rule = Kustomization.PRODUCTION.render().find("PrometheusRule", "greetprobe").orElseThrow();

    assertThat(rule.spec().get("groups"))
        .as("the PrometheusRule's groups; if this fails, regenerate it as deploy/components/monitoring-operator/"
            + "README.md says")
        .isEqualTo(Yaml.load(Project.RULES).get("groups"));
  }

  @Test
  void theDemoPrometheusLoadsRulesYamlAndItsConfigIsValid(@TempDir Path dir) throws IOException {
    V1ConfigMap config = Kustomization.DEMO.render().generatedConfigMap("prometheus-config");
    assertThat(config.getData()).containsOnlyKeys("prometheus.yml", "rules.yaml");
    assertThat(config.getData().get("rules.yaml"))
        .as("the demo's rules; if this fails, copy deploy/prometheus/rules.yaml to "
            + "deploy/overlays/demo/prometheus/rules.yaml")
        .isEqualTo(Project.read(Project.RULES));
    for (Map.Entry<String, String> file : config.getData().entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }

    ChildProcess.Exit check = ChildProcess.run(Command.of(Tools.require("promtool"), "check", "config",
        "prometheus.yml").in(dir), Duration.ofSeconds(60));

    assertThat(check.code()).as(check.toString()).isZero();
    assertThat(check.text()).as(check.toString()).contains("SUCCESS: " + AlertRule.load().size() + " rules found");
  }

  @Test
  void theDemoGrafanaIsProvisionedFromGrafanaProvisioningWithTheDemoPrometheusAsItsDataSource() {
    V1ConfigMap providers = Kustomization.DEMO.render().generatedConfigMap("grafana-dashboard-providers");
    assertThat(providers.getData().get("greetprobe.yaml"))
        .as("the demo's dashboard provider; if this fails, copy grafana/provisioning/dashboards/greetprobe.yaml to "
            + "deploy/overlays/demo/grafana/dashboards/greetprobe.yaml")
        .isEqualTo(Project.read(Project.GRAFANA_DASHBOARD_PROVIDER));

    Map<String, Object> demo = Yaml.parse(
        Kustomization.DEMO.render().generatedConfigMap("grafana-datasources").getData().get("prometheus.yaml"));
    Map<String, Object> repository = Yaml.load(Project.GRAFANA_DATASOURCE);
    Map<String, Object> demoSource = Yaml.map(Yaml.list(demo.get("datasources")).get(0));
    Map<String, Object> repositorySource = Yaml.map(Yaml.list(repository.get("datasources")).get(0));

    assertThat(demoSource.get("url")).isEqualTo("http://prometheus.greetprobe.svc:9090");
    assertThat(Yaml.list(demo.get("datasources"))).hasSize(1);
    assertThat(withoutUrl(demoSource))
        .as("the demo's data source is grafana/provisioning/datasources/prometheus.yaml's but for its url")
        .isEqualTo(withoutUrl(repositorySource));
  }

  @Test
  void everyComponentHasAReadmeAndTheKubernetesDocShowsHowToDeployChangeTargetsAndScale() throws IOException {
    try (Stream<Path> components = Files.list(Project.COMPONENTS)) {
      assertThat(components.toList()).isNotEmpty().allSatisfy(component ->
          assertThat(Project.read(component.resolve("README.md"))).startsWith("# " + component.getFileName()));
    }
    String doc = Project.read(Project.KUBERNETES_DOC);

    assertThat(doc)
        .contains("kubectl apply -k deploy/overlays/demo")
        .contains("kubectl -n greetprobe edit configmap probe-config")
        .contains("kubectl -n greetprobe scale statefulset/probe --replicas=5")
        .doesNotContain("PROBE_SHARD_COUNT")
        .contains("-Djib.from.image=");
    for (String image : images(Kustomization.BASE)) {
      assertThat(doc).contains("`" + image + "`");
    }
  }

  private static Map<String, Object> withoutUrl(Map<String, Object> source) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>(source);
    copy.remove("url");
    return copy;
  }

  private static List<String> images(Kustomization kustomization) {
    return images(kustomization.render());
  }

  private static List<String> images(Manifests manifests) {
    return manifests.workloads().stream()
        .flatMap(w -> w.template().getSpec().getContainers().stream())
        .map(V1Container::getImage)
        .toList();
  }
}
