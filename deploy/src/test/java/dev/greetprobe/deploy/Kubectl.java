package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code kubectl kustomize}: renders a kustomization offline, with no cluster. */
final class Kubectl {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Kubectl() {
  }

  /** The YAML stream {@code kubectl kustomize dir} renders; the test fails with kubectl's message if it cannot. */
  static String kustomize(Path dir) {
    ChildProcess.Exit render = tryKustomize(dir);
    assertThat(render.code()).as("kubectl kustomize %s: %s", Project.ROOT.relativize(dir), render).isZero();
    return render.text();
  }

  /**
   * Renders {@code dir}: on success the output's text is the YAML; on failure, kubectl's message. The YAML goes to a
   * file of its own, so that a warning kubectl prints cannot mix into it.
   */
  static ChildProcess.Exit tryKustomize(Path dir) {
    Path kubectl = Tools.kubectl();
    try {
      Path output = Files.createTempFile("kustomize", ".yaml");
      try {
        ChildProcess.Exit run = ChildProcess.run(Command.of(kubectl, "kustomize", dir, "--output", output).in(dir),
            TIMEOUT);
        return run.code() == 0 ? new ChildProcess.Exit(0, Files.readString(output), "") : run;
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
