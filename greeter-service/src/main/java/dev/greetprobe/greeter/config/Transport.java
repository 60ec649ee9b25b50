package dev.greetprobe.greeter.config;

import java.util.Locale;

/** How the greeting port is served: the {@code transport} key and the {@code greeter_transport_info} label. */
public enum Transport {
  /** A Vert.x {@code NetServer} verticle on every event loop: the default, on any platform. */
  VERTX,
  /**
   * Linux's epoll below Vert.x: bare listening sockets that greet as they accept, and Netty's epoll channels where a
   * connection has to be read (TLS, PROXY headers) or written in more than one go (a long greeting).
   */
  EPOLL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The transport named {@code label}; throws with a reason fit for a config error otherwise. */
  static Transport of(String label) {
    for (Transport transport : values()) {
      if (transport.label().equals(label)) {
        return transport;
      }
    }
    throw new IllegalArgumentException("'" + label + "' is not vertx or epoll");
  }
}
