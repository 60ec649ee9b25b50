package dev.greetprobe.deploy;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes API's own object models (the official Java client's), used as a strict schema: their JSON reader
 * refuses a field its model does not define, at any depth, and a value of the wrong type, as the API server would.
 */
final class KubernetesModels {

  @FunctionalInterface
  private interface Reader {
    Object read(String json) throws IOException;
  }

  /** Every kind the manifests may hold, by apiVersion and kind. */
  private static final Map<String, Reader> MODELS = Map.ofEntries(
      Map.entry("v1/Namespace", V1Namespace::fromJson),
      Map.entry("v1/ServiceAccount", V1ServiceAccount::fromJson),
      Map.entry("v1/ConfigMap", V1ConfigMap::fromJson),
      Map.entry("v1/Secret", V1Secret::fromJson),
      Map.entry("v1/Service", V1Service::fromJson),
      Map.entry("apps/v1/Deployment", V1Deployment::fromJson),
      Map.entry("apps/v1/StatefulSet", V1StatefulSet::fromJson),
      Map.entry("policy/v1/PodDisruptionBudget", V1PodDisruptionBudget::fromJson),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler::fromJson),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy::fromJson),
      Map.entry("rbac.authorization.k8s.io/v1/Role", V1Role::fromJson),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", V1RoleBinding::fromJson));

  private KubernetesModels() {
  }

  /**
   * The object read by its model, or empty for a kind the Kubernetes API does not define itself (a custom resource).
   *
   * @throws IllegalArgumentException naming the object and the reason, when its model refuses it
   */
  static Optional<Object> read(Map<String, Object> object) {
    Reader reader = MODELS.get(object.get("apiVersion") + "/" + object.get("kind"));
    if (reader == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(reader.read(json(object)));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(describe(object) + " is not a valid " + object.get("kind") + ": "
          + withoutJson(e.getMessage()), e);
    }
  }

  /** The models' messages end with the whole JSON of the object that has the field: the field's name is enough. */
  static String withoutJson(String message) {
    int json = message == null ? -1 : message.indexOf(" JSON: ");
    return json < 0 ? message : message.substring(0, json);
  }

  static String json(Map<String, Object> object) {
    return new JsonObject(object).encode();
  }

  static String describe(Map<String, Object> object) {
    return object.get("kind") + " '" + Yaml.map(object.get("metadata")).get("name") + "'";
  }
}
