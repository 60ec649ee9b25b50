package dev.greetprobe.probe.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A target's {@code expect}: a regular expression in RE2's syntax, as blackbox_exporter takes, matched in time linear
 * in the text. Java's constructs that need backtracking (backreferences, lookaround, possessive quantifiers, atomic
 * groups) are refused by name when the expression is compiled. Equal when the expressions are the same text.
 */
public final class Expect {

  /**
   * The largest program an expression may compile to. Matching steps through up to every instruction for each
   * character, so this and the read limit bound one scan; realistic banner expressions compile to under a hundred.
   */
  static final int MAX_PROGRAM_SIZE = 128;

  /**
   * Counted repetitions are expanded when compiled, so {@code ((a{1000}){1000}){1000}} would compile to a billion
   * instructions and exhaust the heap first: an expression whose repetitions expand past this is refused unseen.
   */
  private static final long MAX_EXPANDED_SIZE = 4L * MAX_PROGRAM_SIZE;

  /** A banner expression is a line or two; the checks below read the text a few times over. */
  static final int MAX_LENGTH = 4096;
  /** How much of a refused expression a message quotes. */
  private static final int QUOTED_LENGTH = 200;

  /** Counting stops here: past it, the expression is refused whatever the rest. */
  private static final long SATURATED = Long.MAX_VALUE / 4;
  /** {@code {999999999,999999999}}, the longest repetition the count reads. */
  private static final int LONGEST_REPEAT = 20;

  /** Characters that make an expression more than its own text, besides the anchors at either end. */
  private static final String METACHARACTERS = "\\.+*?()|[]{}^$";

  private final Pattern pattern;
  /** The text to find when the expression is nothing but that text, anchored or not; null otherwise. */
  private final Literal literal;

  private Expect(Pattern pattern) {
    this.pattern = pattern;
    this.literal = Literal.of(pattern.pattern());
  }

  /**
   * An expression that is plain text, such as {@code ^Thank You for Connecting$}: most banner expressions are, and
   * finding a string is a fraction of what stepping RE2's machine through the same text costs. Without the
   * multi-line flag, which takes a group to set, {@code ^} and {@code $} anchor only at the text's ends, so the
   * text matches exactly when it equals, starts with, ends with or holds the string.
   */
  private record Literal(String text, boolean atStart, boolean atEnd) {

    static Literal of(String regex) {
      boolean atStart = regex.startsWith("^");
      boolean atEnd = regex.length() > (atStart ? 1 : 0) && regex.endsWith("$");
      String text = regex.substring(atStart ? 1 : 0, regex.length() - (atEnd ? 1 : 0));
      for (int i = 0; i < text.length(); i++) {
        if (METACHARACTERS.indexOf(text.charAt(i)) >= 0) {
          return null;
        }
      }
      return new Literal(text, atStart, atEnd);
    }

    boolean foundIn(CharSequence in) {
      int length = text.length();
      if (atStart && atEnd) {
        return in.length() == length && regionMatches(in, 0);
      }
      if (atStart || atEnd) {
        return in.length() >= length && regionMatches(in, atStart ? 0 : in.length() - length);
      }
      return in instanceof StringBuilder builder ? builder.indexOf(text) >= 0 : in.toString().contains(text);
    }

    private boolean regionMatches(CharSequence in, int from) {
      for (int i = 0; i < text.length(); i++) {
        if (in.charAt(from + i) != text.charAt(i)) {
          return false;
        }
      }
      return true;
    }
  }

  /** Compiles {@code regex}; the exception's message says why it is refused. */
  public static Expect compile(String regex) {
    if (regex.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(quoted(regex) + " is too large: " + regex.length()
          + " characters, above the limit of " + MAX_LENGTH);
    }
    if (expandedSize(regex) > MAX_EXPANDED_SIZE) {
      throw new IllegalArgumentException(quoted(regex) + " is too large: it would compile to more than "
          + MAX_EXPANDED_SIZE + " instructions, above the limit of " + MAX_PROGRAM_SIZE);
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(quoted(regex) + " " + refusal(regex, e));
    }
    if (pattern.programSize() > MAX_PROGRAM_SIZE) {
      throw new IllegalArgumentException(quoted(regex) + " is too large: it compiles to " + pattern.programSize()
          + " instructions, above the limit of " + MAX_PROGRAM_SIZE);
    }
    return new Expect(pattern);
  }

  private static String quoted(String regex) {
    return "'" + (regex.length() > QUOTED_LENGTH ? regex.substring(0, QUOTED_LENGTH) + "..." : regex) + "'";
  }

  /** The expression as written. */
  public String pattern() {
    return pattern.pattern();
  }

  /** Whether {@code text} holds a match anywhere. */
  public boolean foundIn(CharSequence text) {
    return literal != null ? literal.foundIn(text) : pattern.matcher(text).find();
  }

  /** Names the Java-only constructs RE2 leaves out, since RE2's own words for them do not say so. */
  private static String refusal(String regex, PatternSyntaxException e) {
    String at = e.getPattern() == null ? "" : e.getPattern();
    String javaOnly = switch (e.getDescription()) {
      case "invalid named capture" -> at.startsWith("(?<=") || at.startsWith("(?<!")
          ? "lookbehind " + at.substring(0, 4) : null;
      case "invalid or unsupported Perl syntax" -> at.startsWith("(?=") || at.startsWith("(?!") ? "lookahead " + at
          : at.startsWith("(?>") ? "an atomic group " + at : null;
      case "invalid escape sequence" -> at.matches("\\\\[1-9k]") ? "a backreference " + at : null;
      case "invalid nested repetition operator" -> at.endsWith("+") ? "a possessive quantifier " + at : null;
      default -> null;
    };
    if (javaOnly != null) {
      return "uses " + javaOnly + ", which RE2 syntax leaves out: matching it needs backtracking";
    }
    return "is not a regular expression: " + e.getDescription() + (at.isEmpty() || at.equals(regex) ? "" : " " + at);
  }

  /**
   * About how many instructions {@code regex} compiles to, counted before compiling: one an atom or a group, times
   * the counts of the repetitions around it. Malformed text is counted as it comes; the compiler refuses it after.
   */
  static long expandedSize(String regex) {
    Deque<Long> groups = new ArrayDeque<>();
    long total = 0;
    long last = 0;
    int i = 0;
    int n = regex.length();
    while (i < n) {
      char c = regex.charAt(i);
      if (c == '(') {
        groups.push(total);
        total = 0;
        last = 0;
        i++;
        continue;
      }
      if (c == ')' && !groups.isEmpty()) {
        last = saturated(total + 1);
        total = saturated(groups.pop() + last);
        i++;
        continue;
      }
      if (c == '{') {
        int close = regex.substring(i, Math.min(n, i + LONGEST_REPEAT + 2)).indexOf('}') + i;
        long count = close < i ? -1 : repeatCount(regex.substring(i + 1, close));
        if (count >= 0) {
          long repeated = count == 0 ? 0 : last > SATURATED / count ? SATURATED : last * count;
          total = saturated(total - last + repeated);
          last = repeated;
          i = close + 1;
          continue;
        }
      }
      int end = atomEnd(regex, i);
      last = 1;
      total = saturated(total + 1);
      i = end;
    }
    while (!groups.isEmpty()) {
      total = saturated(groups.pop() + total + 1);
    }
    return total;
  }

  /** Where the atom starting at {@code i} ends: an escape, a character class, or one character. */
  private static int atomEnd(String regex, int i) {
    int n = regex.length();
    char c = regex.charAt(i);
    if (c == '\\' && i + 1 < n) {
      char next = regex.charAt(i + 1);
      if (next == 'Q') {
        int end = regex.indexOf("\\E", i + 2);
        return end < 0 ? n : end + 2;
      }
      if ((next == 'x' || next == 'p' || next == 'P') && i + 2 < n && regex.charAt(i + 2) == '{') {
        int end = regex.indexOf('}', i + 2);
        return end < 0 ? n : end + 1;
      }
      return i + 2;
    }
    if (c == '[') {
      int j = i + 1;
      if (j < n && regex.charAt(j) == '^') {
        j++;
      }
      if (j < n && regex.charAt(j) == ']') {
        j++;
      }
      while (j < n && regex.charAt(j) != ']') {
        if (regex.charAt(j) == '\\') {
          j++;
        } else if (regex.startsWith("[:", j)) {
          int end = regex.indexOf(":]", j + 2);
          j = end < 0 ? j : end + 1;
        }
        j++;
      }
      return Math.min(j + 1, n);
    }
    return i + 1;
  }

  /** The larger count of {@code n}, {@code n,} or {@code n,m}, or -1 when the braces hold no repetition. */
  private static long repeatCount(String inside) {
    if (!inside.matches("\\d{1,9}(,\\d{0,9})?")) {
      return -1;
    }
    long most = 0;
    for (String part : inside.split(",", -1)) {
      most = Math.max(most, part.isEmpty() ? 0 : Long.parseLong(part) + (inside.endsWith(",") ? 1 : 0));
    }
    return most;
  }

  private static long saturated(long value) {
    return Math.min(Math.max(value, 0), SATURATED);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Expect other && pattern().equals(other.pattern());
  }

  @Override
  public int hashCode() {
    return pattern().hashCode();
  }

  @Override
  public String toString() {
    return pattern();
  }
}
