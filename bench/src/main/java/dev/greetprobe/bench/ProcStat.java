package dev.greetprobe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What Linux's /proc says a process has used, read the one way for every process a benchmark measures. */
final class ProcStat {

  /** USER_HZ, the unit of /proc's CPU times on Linux. */
  private static final double CLOCK_TICKS = 100;

  private ProcStat() {
  }

  /** User plus system CPU seconds of process {@code pid}; throws when it has exited. */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS;
  }
}
