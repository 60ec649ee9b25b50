package dev.greetprobe.deploy.local;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one list of what the manifests say that the local runner cannot honour on one machine, each with the reason.
 * Every other field is either honoured or refused ({@link Fields#done()}), so a new field in the manifests is never
 * skipped in silence: it runs, or it stops the run until it is honoured or listed here.
 */
public final class NotHonoured {

  private static final Map<String, String> REASONS;

  static {
    Map<String, String> reasons = new LinkedHashMap<>();
    reasons.put("kind PodDisruptionBudget", "nothing drains a node on one machine");
    reasons.put("kind HorizontalPodAutoscaler", "no metrics server or controller scales the workloads");
    reasons.put("kind NetworkPolicy", "the podman network enforces no policy");
    reasons.put("kind ServiceAccount", "no API server: pods get no identity and no token");
    reasons.put("kind ServiceMonitor", "no Prometheus operator runs here");
    reasons.put("kind PrometheusRule", "no Prometheus operator runs here");
    reasons.put("workload.strategy", "no rollouts: each pod starts once from the spec as rendered");
    reasons.put("workload.updateStrategy", "no rollouts: each pod starts once from the spec as rendered");
    reasons.put("workload.revisionHistoryLimit", "no rollouts, so no revisions to keep");
    reasons.put("pod.topologySpreadConstraints", "one machine is one node in one zone");
    reasons.put("pod.serviceAccountName", "no API server: pods get no identity and no token");
    reasons.put("container.imagePullPolicy", "no registry is reachable: every image comes from the local store");
    reasons.put("emptyDir.sizeLimit", "the kubelet enforces it by eviction, and nothing evicts here");
    reasons.put("service.publishNotReadyAddresses",
        "a Service's names are written into each pod's hosts file at its start, whatever the readiness");
    REASONS = Collections.unmodifiableMap(reasons);
  }

  private NotHonoured() {
  }

  /** Each entry, as {@code kind NAME} or {@code object.field}, in the order listed, with why it is not honoured. */
  public static Map<String, String> reasons() {
    return REASONS;
  }

  static void require(String listedAs) {
    if (!REASONS.containsKey(listedAs)) {
      throw new IllegalStateException(listedAs + " is read as not honoured, but NotHonoured does not list it");
    }
  }
}
