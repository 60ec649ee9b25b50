package dev.greetprobe.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository that the deploy tests read. */
final class Project {

  /** The repository root: the parent of this module, which Maven runs the tests in. */
  static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();

  static final Path RULES = ROOT.resolve("deploy/prometheus/rules.yaml");
  static final Path RULES_TEST = ROOT.resolve("deploy/prometheus/rules_test.yaml");
  static final Path DASHBOARD = ROOT.resolve("grafana/dashboards/greetprobe.json");
  static final Path PROVISIONING = ROOT.resolve("grafana/provisioning");
  static final Path README = ROOT.resolve("README.md");

  private Project() {
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
