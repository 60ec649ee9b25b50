package dev.greetprobe.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Files of the repository that the deploy tests read. */
final class Project {

  /** The repository root: the parent of this module, which Maven runs the tests in. */
  static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();

  static final Path RULES = ROOT.resolve("deploy/prometheus/rules.yaml");
  static final Path RULES_TEST = ROOT.resolve("deploy/prometheus/rules_test.yaml");
  static final Path DASHBOARD = ROOT.resolve("grafana/dashboards/greetprobe.json");
  static final Path PROVISIONING = ROOT.resolve("grafana/provisioning");
  static final Path README = ROOT.resolve("README.md");
  static final Path DOCS = ROOT.resolve("docs");
  /** The runbook, one section per alert, and the notes on the dashboard and the alert rules. */
  static final Path OPERATIONS_DOC = DOCS.resolve("operations.md");
  static final Path KUBERNETES_DOC = DOCS.resolve("kubernetes.md");
  static final Path GRAFANA_DATASOURCE = PROVISIONING.resolve("datasources/prometheus.yaml");
  static final Path GRAFANA_DASHBOARD_PROVIDER = PROVISIONING.resolve("dashboards/greetprobe.yaml");
  static final Path KUSTOMIZE_BASE = ROOT.resolve("deploy/base");
  static final Path COMPONENTS = ROOT.resolve("deploy/components");
  static final Path OVERLAYS = ROOT.resolve("deploy/overlays");

  private Project() {
  }

  /** Copies the directory {@code from}, with everything in it, to {@code to}. */
  static void copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
