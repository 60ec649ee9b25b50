package dev.greetprobe.common;

/** A configuration value that cannot be used; the message names the key and the reason. */
public final class ConfigException extends RuntimeException {

  /** The most of a value a message repeats: a message quotes what is wrong, it does not carry the file back. */
  public static final int MAX_ECHO = 200;

  public ConfigException(String key, String reason) {
    super(key + ": " + reason);
  }

  public ConfigException(String message) {
    super(message);
  }

  /** {@code text} in quotes, as every message shows a value, cut to {@link #MAX_ECHO} characters. */
  public static String quote(String text) {
    return "'" + excerpt(text) + "'";
  }

  /**
   * {@code text} as a message may repeat it: whole up to {@link #MAX_ECHO} characters, else its start and how long it
   * is. The one place a message's values are cut, keys included.
   */
  public static String excerpt(String text) {
    if (text.length() <= MAX_ECHO) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(MAX_ECHO - 1)) ? MAX_ECHO - 1 : MAX_ECHO;
    return text.substring(0, end) + "... (" + text.length() + " characters)";
  }
}
