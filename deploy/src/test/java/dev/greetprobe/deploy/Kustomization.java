package dev.greetprobe.deploy;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The kustomizations users apply: the base alone, and each overlay. Each is rendered once per test run. */
enum Kustomization {
  BASE(Project.KUSTOMIZE_BASE),
  DEMO(Project.OVERLAYS.resolve("demo")),
  PRODUCTION(Project.OVERLAYS.resolve("production"));

  private static final Map<Kustomization, Manifests> RENDERED = new ConcurrentHashMap<>();

  final Path dir;

  Kustomization(Path dir) {
    this.dir = dir;
  }

  /** What {@code kubectl kustomize} makes of this directory, every object parsed by its Kubernetes model. */
  Manifests render() {
    return RENDERED.computeIfAbsent(this, k -> Manifests.parse(Kubectl.kustomize(k.dir)));
  }
}
