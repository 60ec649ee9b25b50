package dev.greetprobe.testkit;

/**
 * The services' configs for a test on loopback, as YAML documents in the keys the services document: every address
 * 127.0.0.1, every port a free one. A test adds what it is about, and the service's own parser reads the text.
 */
public final class LoopbackConfigs {

  private LoopbackConfigs() {
  }

  /** The greeter: {@code host} and {@code http.host} on loopback, {@code port} and {@code http.port} free. */
  public static ConfigYaml greeter() {
    return ConfigYaml.empty()
        .with("host", "127.0.0.1")
        .with("port", Ports.free())
        .with("http.host", "127.0.0.1")
        .with("http.port", Ports.free());
  }
}
