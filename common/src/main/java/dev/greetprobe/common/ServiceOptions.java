package dev.greetprobe.common;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** The options both services' command lines take before their own: {@code --help}, and {@code --check-config FILE}. */
public final class ServiceOptions {

  /** A service's config check: prints what it found, and returns the exit code, 0 or 2. */
  @FunctionalInterface
  public interface ConfigCheck {

    int run(Path file, Map<String, String> environment, PrintStream out, PrintStream err);
  }

  private ServiceOptions() {
  }

  /**
   * Prints {@code usage} for {@code --help} (or {@code -h}) and returns true; exits with {@code check}'s code for
   * {@code --check-config FILE}; returns false for anything else, which is the service's to read.
   */
  public static boolean handled(String[] args, String usage, ConfigCheck check) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(usage);
      return true;
    }
    if (args.length == 2 && args[0].equals("--check-config")) {
      System.exit(check.run(Path.of(args[1]), System.getenv(), System.out, System.err));
    }
    return false;
  }
}
