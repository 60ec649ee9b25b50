package dev.greetprobe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine's load average as a run starts. Other work on the machine moves every figure here, the reference's as
 * much as ours, so the run says how busy it was, and warns when anything else wanted a good share of the cores.
 */
final class MachineLoad {

  /** Above this share of the cores busy before the run, its figures are not worth quoting on their own. */
  private static final double BUSY_SHARE = 0.25;

  private MachineLoad() {
  }

  static void report() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
    double lastMinute = Double.parseDouble(fields[0]);
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(Locale.ROOT, "load average %s %s %s on %d cores%n", fields[0], fields[1], fields[2], cores);
    if (lastMinute > BUSY_SHARE * cores) {
      System.out.printf(Locale.ROOT, "WARNING: the machine is busy (load %.2f over the last minute): figures will"
          + " move with it; compare ratios from one run, and rerun on a quiet machine before quoting them%n",
          lastMinute);
    }
  }
}
