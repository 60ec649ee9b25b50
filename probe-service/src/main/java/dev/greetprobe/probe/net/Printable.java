package dev.greetprobe.probe.net;

/**
 * Text from the network made safe to show on one line of a terminal, a log or a page: control characters would move
 * a terminal's cursor, ring its bell or end a log line, and invisible format characters (a right-to-left override)
 * would reorder what a reader sees. Each is written as an escape a reader can see instead.
 */
public final class Printable {

  private Printable() {
  }

  /**
   * {@code text} with each control character written as {@code \r}, {@code \n}, {@code \t} or {@code \x1b}, and each
   * invisible format or separator character as {@code \u202e}; everything else, backslashes included, as it is.
   */
  public static String escape(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String escape = escapeOf(c);
      if (escape != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (escape != null) {
          out.append(escape);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /** {@code text} as a double-quoted literal: {@link #escape escaped}, and its backslashes and quotes too. */
  public static String quoted(String text) {
    return '"' + escape(text.replace("\\", "\\\\").replace("\"", "\\\"")) + '"';
  }

  private static String escapeOf(char c) {
    switch (c) {
      case '\r':
        return "\\r";
      case '\n':
        return "\\n";
      case '\t':
        return "\\t";
      default:
        break;
    }
    if (Character.isISOControl(c)) {
      return "\\x" + hex(c, 2);
    }
    int type = Character.getType(c);
    if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
      return "\\u" + hex(c, 4);
    }
    return null;
  }

  private static String hex(char c, int digits) {
    String hex = Integer.toHexString(c);
    return "0".repeat(digits - hex.length()) + hex;
  }
}
