package dev.greetprobe.testkit;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A billion-laughs list in YAML: each level an alias to two of the one below, so a few hundred bytes of text stand for
 * millions of entries once anything walks or prints them.
 */
public final class AliasBomb {

  /** Levels of doubling: a list that expands to more entries than a heap of test size can print. */
  public static final int LEVELS = 24;

  private AliasBomb() {
  }

  /** The bomb as the value of {@code key}; a dotted key ({@code dns.servers}) is written as nested sections. */
  public static String at(String key) {
    String[] path = key.split("\\.");
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < path.length; i++) {
      yaml.append("  ".repeat(i)).append(path[i]).append(':');
      yaml.append(i == path.length - 1 ? " " + list() + "\n" : "\n");
    }
    return yaml.toString();
  }

  private static String list() {
    return IntStream.range(0, LEVELS)
        .mapToObj(i -> i == 0 ? "&a0 [x, x]" : "&a" + i + " [*a" + (i - 1) + ", *a" + (i - 1) + "]")
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
