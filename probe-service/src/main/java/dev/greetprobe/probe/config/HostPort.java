package dev.greetprobe.probe.config;

import dev.greetprobe.common.ConfigException;
import java.nio.charset.StandardCharsets;

/** A host (name or IP literal, IPv6 without brackets) and a port, parsed from {@code host:port} or {@code [v6]:port}. */
public record HostPort(String host, int port) {

  /** The longest name DNS carries (RFC 1035), without the root's trailing dot. */
  static final int MAX_NAME_BYTES = 253;
  /** The longest label DNS carries (RFC 1035). */
  static final int MAX_LABEL_BYTES = 63;

  /** Parses {@code text}, or throws {@link IllegalArgumentException} with a reason fit for a config error. */
  public static HostPort parse(String text) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new IllegalArgumentException(ConfigException.quote(text) + " is not [ipv6]:port");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0 || text.indexOf(':') != colon) {
        throw new IllegalArgumentException(
            ConfigException.quote(text) + " is not host:port (write an IPv6 address as [addr]:port)");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(ConfigException.quote(text) + " has no host");
    }
    checkName(text, host);
    int number;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(ConfigException.quote(text) + " has no port number");
    }
    if (number < 1 || number > 65535) {
      throw new IllegalArgumentException("port " + number + " is outside 1..65535");
    }
    return new HostPort(host, number);
  }

  /**
   * Refuses a name no resolver could ask for, before a lookup: a longer one is sent, refused by the server, and would
   * read as a failing target rather than a wrong one.
   */
  private static void checkName(String text, String host) {
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(ConfigException.quote(text) + " has a host name of " + bytes
          + " bytes, above the " + MAX_NAME_BYTES + " DNS allows");
    }
    for (String label : name.split("\\.")) {
      int labelBytes = label.getBytes(StandardCharsets.UTF_8).length;
      if (labelBytes > MAX_LABEL_BYTES) {
        throw new IllegalArgumentException(ConfigException.quote(text) + " has a label of " + labelBytes
            + " bytes, above the " + MAX_LABEL_BYTES + " DNS allows");
      }
    }
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
