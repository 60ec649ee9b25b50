package dev.greetprobe.probe.config;

import java.util.Locale;

/** How probes connect: the config's {@code transport}. */
public enum Transport {
  /** Every connection through the probe verticle's Vert.x {@code NetClient}. */
  VERTX,
  /**
   * Plain targets that send nothing on bare sockets on the event loops' own epoll (Linux); TLS and send targets still
   * go through the {@code NetClient}, which already does what they need.
   */
  EPOLL;

  /** The environment variable that overrides the config's {@code transport}. */
  static final String VARIABLE = "PROBE_TRANSPORT";

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Transport parse(String text) {
    for (Transport t : values()) {
      if (t.label().equals(text)) {
        return t;
      }
    }
    throw new IllegalArgumentException("'" + text + "' is neither vertx nor epoll");
  }
}
