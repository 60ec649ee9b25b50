package dev.greetprobe.probe.config;

import dev.greetprobe.common.ConfigException;

/** A host (name or IP literal, IPv6 without brackets) and a port, parsed from {@code host:port} or {@code [v6]:port}. */
public record HostPort(String host, int port) {

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

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
