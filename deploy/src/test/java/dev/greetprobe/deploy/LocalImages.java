package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.fail;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The services' images that the build writes on the base made from Debian's packages ({@code -Dlocal.base.image},
 * which {@code ./test} sets), loaded into podman's local store under the names {@link #OVERLAY} gives them.
 */
final class LocalImages {

  /** The demo overlay on these images. */
  static final Path OVERLAY = Project.ROOT.resolve("deploy/local");
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);

  private LocalImages() {
  }

  /** Loads both images into podman's store; a missing image fails with what builds it. */
  static void load() {
    Path podman = Tools.require("podman");
    Tools.require("runc");
    for (String service : List.of("greeter-service", "probe-service")) {
      Path tarball = Project.ROOT.resolve(service).resolve("target/jib-image.tar");
      if (!Files.isRegularFile(tarball)) {
        fail(tarball + " is missing: the images are built when the base is named, as `" + Tools.INSTALL
            + "` does (-Dlocal.base.image=$(deploy/local/base-image))");
      }
      ChildProcess.Exit load = ChildProcess.run(Command.of(podman, "load", "--input", tarball).in(Project.ROOT),
          LOAD_TIMEOUT);
      if (load.code() != 0) {
        fail("podman load --input " + tarball + ": " + load);
      }
    }
  }
}
