package dev.greetprobe.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The containers' open-file and process limits, as podman's {@code --ulimit} flags: this process's own hard limits,
 * and no more processes than the kernel has process ids. Podman's defaults ask for more than a host without
 * CAP_SYS_RESOURCE may grant, and some hosts refuse a process limit above the pid range, so a container given
 * either never starts.
 */
final class ProcessLimits {

  private ProcessLimits() {
  }

  static List<String> ulimits() {
    try {
      List<String> limits = Files.readAllLines(Path.of("/proc/self/limits"));
      long pidMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).strip());
      long files = hard(limits, "Max open files");
      long processes = Math.min(hard(limits, "Max processes"), pidMax);
      return List.of("--ulimit", "nofile=" + files + ":" + files, "--ulimit", "nproc=" + processes + ":" + processes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The hard limit of the row named {@code name}; unlimited as the largest number. */
  private static long hard(List<String> limits, String name) {
    String row = limits.stream().filter(line -> line.startsWith(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("/proc/self/limits has no row " + name));
    String hard = row.substring(name.length()).trim().split("\\s+")[1];
    return hard.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(hard);
  }
}
