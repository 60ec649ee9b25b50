package dev.greetprobe.common;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** Which known key a misspelt one was meant to be: the nearest by edits, when it is near enough to be a slip. */
final class Spelling {

  private Spelling() {
  }

  /** The key of {@code known} that {@code typed} is a slip of, if any: the fewest edits, ties by name. */
  static Optional<String> meant(String typed, Collection<String> known) {
    return known.stream()
        .filter(key -> !key.equals(typed) && slip(typed, key))
        .min(Comparator.comparingInt((String key) -> distance(typed, key)).thenComparing(Comparator.naturalOrder()));
  }

  /** One edit in a short key, two in a longer one: more would match unrelated keys. */
  static boolean slip(String typed, String key) {
    return distance(typed, key) <= (key.length() <= 4 ? 1 : 2);
  }

  /**
   * The fewest insertions, deletions, substitutions and swaps of two neighbouring letters that make one the other
   * (the optimal string alignment distance): a swap, the commonest slip, counts as one edit.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
