package dev.greetprobe.deploy.local;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What one rendered kustomization ({@code kubectl kustomize DIR}) asks a cluster to run, read strictly: the
 * workloads, the Services that name their pods, and the ConfigMaps and Secrets their volumes hold. Kinds that make
 * nothing run on one machine are read as {@link NotHonoured}; any other kind is refused.
 */
record Rendered(List<Workload> workloads, List<Service> services, Map<String, Map<String, byte[]>> configMaps,
    Map<String, Map<String, byte[]>> secrets) {

  /** A Deployment or a StatefulSet. */
  record Workload(String kind, String name, String namespace, int replicas, boolean orderedReady,
      Optional<String> serviceName, PodTemplate template) {

    @Override
    public String toString() {
      return kind + "/" + name;
    }
  }

  /** A Service: the names it gives, in its namespace, to the pods its selector matches. */
  record Service(String name, String namespace, Map<String, String> selector, boolean headless,
      List<ServicePort> ports) {
  }

  /** A Service's port and the container port it leads to, by number or by name. */
  record ServicePort(int port, String target) {
  }

  static Rendered parse(String yaml) {
    List<Workload> workloads = new ArrayList<>();
    List<Service> services = new ArrayList<>();
    Map<String, Map<String, byte[]>> configMaps = new LinkedHashMap<>();
    Map<String, Map<String, byte[]>> secrets = new LinkedHashMap<>();
    for (Object document : new Load(LoadSettings.builder().setLabel("rendered manifests").build())
        .loadAllFromString(yaml)) {
      if (document == null) {
        continue;
      }
      Fields object = Fields.of("object", document);
      String kind = object.string("kind");
      Fields metadata = object.fields("metadata");
      String name = metadata.string("name");
      Fields read = Fields.of(kind + "/" + name, document);
      read.string("apiVersion");
      read.string("kind");
      Fields meta = read.fields("metadata");
      meta.string("name");
      String namespace = meta.optionalString("namespace").orElse("default");
      meta.stringMap("labels");
      meta.stringMap("annotations");
      meta.done();
      switch (kind) {
        case "Namespace" -> read.fields("spec").done();
        case "Deployment", "StatefulSet" -> workloads.add(workload(kind, name, namespace, read.fields("spec")));
        case "Service" -> services.add(service(name, namespace, read.fields("spec")));
        case "ConfigMap" -> configMaps.put(name, strings(read.stringMap("data")));
        case "Secret" -> {
          read.optionalString("type");
          Map<String, byte[]> data = new LinkedHashMap<>();
          read.stringMap("data").forEach((key, value) -> data.put(key, Base64.getMimeDecoder().decode(value)));
          data.putAll(strings(read.stringMap("stringData")));
          secrets.put(name, data);
        }
        default -> {
          // Every field of a kind that cannot be honoured here goes unhonoured with it.
          NotHonoured.require("kind " + kind);
          continue;
        }
      }
      read.done();
    }
    return new Rendered(List.copyOf(workloads), List.copyOf(services), Map.copyOf(configMaps), Map.copyOf(secrets));
  }

  private static Workload workload(String kind, String name, String namespace, Fields spec) {
    int replicas = spec.optionalInt("replicas").orElse(1);
    spec.notHonoured("revisionHistoryLimit", "workload.revisionHistoryLimit");
    spec.notHonoured(kind.equals("Deployment") ? "strategy" : "updateStrategy",
        kind.equals("Deployment") ? "workload.strategy" : "workload.updateStrategy");
    boolean orderedReady = false;
    Optional<String> serviceName = Optional.empty();
    if (kind.equals("StatefulSet")) {
      serviceName = Optional.of(spec.string("serviceName"));
      String policy = spec.optionalString("podManagementPolicy").orElse("OrderedReady");
      if (!policy.equals("OrderedReady") && !policy.equals("Parallel")) {
        throw new ManifestException(spec.path("podManagementPolicy") + ": '" + policy + "' is not a policy");
      }
      orderedReady = policy.equals("OrderedReady");
    }
    Fields selector = spec.fields("selector");
    Map<String, String> matchLabels = selector.stringMap("matchLabels");
    selector.done();
    PodTemplate template = PodTemplate.read(spec.fields("template"));
    spec.done();
    if (matchLabels.isEmpty() || !template.labels().entrySet().containsAll(matchLabels.entrySet())) {
      throw new ManifestException(spec.path("selector") + ": " + matchLabels + " does not select the template's"
          + " labels " + template.labels());
    }
    return new Workload(kind, name, namespace, replicas, orderedReady, serviceName, template);
  }

  private static Service service(String name, String namespace, Fields spec) {
    String type = spec.optionalString("type").orElse("ClusterIP");
    if (!type.equals("ClusterIP")) {
      throw new ManifestException(spec.path("type") + ": only ClusterIP is honoured here, not " + type);
    }
    boolean headless = spec.optionalString("clusterIP").map("None"::equals).orElse(false);
    spec.notHonoured("publishNotReadyAddresses", "service.publishNotReadyAddresses");
    Map<String, String> selector = spec.stringMap("selector");
    List<ServicePort> ports = new ArrayList<>();
    for (Fields port : spec.list("ports")) {
      port.optionalString("name");
      port.optionalString("protocol").filter(protocol -> !protocol.equals("TCP")).ifPresent(protocol -> {
        throw new ManifestException(port.path("protocol") + ": only TCP is honoured here, not " + protocol);
      });
      int number = port.optionalInt("port").orElseThrow(() -> new ManifestException(port.path("port")
          + ": is required"));
      ports.add(new ServicePort(number, port.optionalString("targetPort").orElse(Integer.toString(number))));
      port.done();
    }
    spec.done();
    return new Service(name, namespace, selector, headless, List.copyOf(ports));
  }

  private static Map<String, byte[]> strings(Map<String, String> data) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    data.forEach((key, value) -> bytes.put(key, value.getBytes(StandardCharsets.UTF_8)));
    return bytes;
  }
}
