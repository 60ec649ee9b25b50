package dev.greetprobe.common;

import java.util.Locale;

/**
 * How a service does its network I/O: the config's {@code transport} key and the {@code *_transport_info} label. Each
 * service says in its {@code epoll} package what that path covers; what does not fit it stays on Vert.x.
 */
public enum Transport {
  /** Vert.x's public API: the greeter's {@code NetServer}, the probe's {@code NetClient}. The default, on any platform. */
  VERTX,
  /** Bare sockets on the event loops' own epoll, below Vert.x, for the plain case on Linux. */
  EPOLL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The config's {@code transport}, {@link #VERTX} when absent; an unknown one is refused naming the key. */
  public static Transport read(ConfigReader config) {
    String label = config.nonEmptyString("transport", VERTX.label());
    for (Transport transport : values()) {
      if (transport.label().equals(label)) {
        return transport;
      }
    }
    throw config.error("transport", "'" + label + "' is neither vertx nor epoll");
  }
}
