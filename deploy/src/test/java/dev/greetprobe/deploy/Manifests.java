package dev.greetprobe.deploy;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The objects of one rendered kustomization, each read strictly by its Kubernetes model or its CRD's schema. */
record Manifests(List<Manifests.Item> items) {

  /** kustomize's suffix for the names of generated ConfigMaps: a hash of their content. */
  static final Pattern NAME_HASH = Pattern.compile("-[bcdfghkmt2-9]{10}$");

  /** One object: its YAML as rendered, and its Kubernetes model (null for a custom resource). */
  record Item(Map<String, Object> yaml, Object model) {

    String kind() {
      return String.valueOf(yaml.get("kind"));
    }

    String name() {
      return String.valueOf(metadata().get("name"));
    }

    String namespace() {
      return (String) metadata().get("namespace");
    }

    Map<String, Object> metadata() {
      return Yaml.map(yaml.get("metadata"));
    }

    Map<String, Object> spec() {
      return Yaml.map(yaml.get("spec"));
    }

    @Override
    public String toString() {
      return kind() + "/" + name();
    }
  }

  /** A Deployment or StatefulSet: what makes pods. */
  record Workload(String kind, String name, int replicas, V1LabelSelector selector, V1PodTemplateSpec template) {

    Map<String, String> podLabels() {
      return Objects.requireNonNullElse(template.getMetadata().getLabels(), Map.of());
    }

    /** A StatefulSet's pods are named NAME-ORDINAL, the ordinals counting from 0. */
    List<String> podNames() {
      if (!kind.equals("StatefulSet")) {
        throw new IllegalStateException(this + " names its pods at random");
      }
      return IntStream.range(0, replicas).mapToObj(i -> name + "-" + i).toList();
    }

    @Override
    public String toString() {
      return kind + "/" + name;
    }
  }

  /**
   * Reads a YAML stream as {@code kubectl kustomize} prints it.
   *
   * @throws IllegalArgumentException when an object is not valid by its model or schema, or of a kind neither knows
   */
  static Manifests parse(String yaml) {
    List<Item> items = new ArrayList<>();
    for (Object document : new Load(LoadSettings.builder().setLabel("kustomize output").build())
        .loadAllFromString(yaml)) {
      if (document == null) {
        continue;
      }
      Map<String, Object> object = Yaml.map(document);
      Optional<Object> model = KubernetesModels.read(object);
      if (model.isEmpty()) {
        if (!OperatorResources.isOperatorResource(object)) {
          throw new IllegalArgumentException(KubernetesModels.describe(object) + " (apiVersion "
              + object.get("apiVersion") + ") is of no kind the tests know a schema for");
        }
        List<String> problems = OperatorResources.problems(object);
        if (!problems.isEmpty()) {
          throw new IllegalArgumentException(String.join("\n", problems));
        }
      }
      items.add(new Item(object, model.orElse(null)));
    }
    return new Manifests(List.copyOf(items));
  }

  <T> List<T> all(Class<T> type) {
    return items.stream().map(Item::model).filter(type::isInstance).map(type::cast).toList();
  }

  List<Item> ofKind(String kind) {
    return items.stream().filter(item -> item.kind().equals(kind)).toList();
  }

  Optional<Item> find(String kind, String name) {
    return items.stream().filter(item -> item.kind().equals(kind) && item.name().equals(name)).findFirst();
  }

  /** The model of the object of {@code type} named {@code name}; fails the test when there is none. */
  <T> T get(Class<T> type, String name) {
    return items.stream()
        .filter(item -> type.isInstance(item.model()) && item.name().equals(name))
        .map(item -> type.cast(item.model()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named '" + name + "' in " + items));
  }

  /** The ConfigMap a generator named {@code name}, whatever hash kustomize appended to the name. */
  V1ConfigMap generatedConfigMap(String name) {
    List<V1ConfigMap> found = all(V1ConfigMap.class).stream()
        .filter(c -> withoutHash(c.getMetadata().getName()).equals(name))
        .toList();
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " ConfigMaps generated as " + name);
    }
    return found.get(0);
  }

  static String withoutHash(String name) {
    return NAME_HASH.matcher(name).replaceFirst("");
  }

  List<Workload> workloads() {
    List<Workload> workloads = new ArrayList<>();
    for (V1Deployment d : all(V1Deployment.class)) {
      workloads.add(new Workload("Deployment", d.getMetadata().getName(),
          Objects.requireNonNullElse(d.getSpec().getReplicas(), 1), d.getSpec().getSelector(),
          d.getSpec().getTemplate()));
    }
    for (V1StatefulSet s : all(V1StatefulSet.class)) {
      workloads.add(new Workload("StatefulSet", s.getMetadata().getName(),
          Objects.requireNonNullElse(s.getSpec().getReplicas(), 1), s.getSpec().getSelector(),
          s.getSpec().getTemplate()));
    }
    return workloads;
  }

  Workload workload(String name) {
    return workloads().stream().filter(w -> w.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment or StatefulSet named '" + name + "'"));
  }

  /** The workloads whose pods {@code selector} selects. */
  List<Workload> selectedBy(V1LabelSelector selector) {
    return workloads().stream().filter(w -> matches(selector, w.podLabels())).toList();
  }

  /** The workloads whose pods a Service's plain label {@code selector} selects. */
  List<Workload> selectedBy(Map<String, String> selector) {
    return selectedBy(new V1LabelSelector().matchLabels(selector));
  }

  /** Kubernetes' label selector semantics: every matchLabels pair and every matchExpressions requirement holds. */
  static boolean matches(V1LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> matchLabels = Objects.requireNonNullElse(selector.getMatchLabels(), Map.of());
    for (Map.Entry<String, String> pair : matchLabels.entrySet()) {
      if (!pair.getValue().equals(labels.get(pair.getKey()))) {
        return false;
      }
    }
    for (V1LabelSelectorRequirement r : Objects.requireNonNullElse(selector.getMatchExpressions(),
        List.<V1LabelSelectorRequirement>of())) {
      String value = labels.get(r.getKey());
      List<String> values = Objects.requireNonNullElse(r.getValues(), List.of());
      boolean holds = switch (r.getOperator()) {
        case "In" -> value != null && values.contains(value);
        case "NotIn" -> value == null || !values.contains(value);
        case "Exists" -> value != null;
        case "DoesNotExist" -> value == null;
        default -> throw new AssertionError("unknown selector operator " + r.getOperator());
      };
      if (!holds) {
        return false;
      }
    }
    return true;
  }
}
