package dev.greetprobe.greeter;

import dev.greetprobe.common.ConfigDocument;
import dev.greetprobe.common.Transport;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.testkit.ConfigYaml;
import dev.greetprobe.testkit.LoopbackConfigs;
import java.util.Map;

/**
 * The greeter's config as its tests write it: YAML, read by the greeter's own parser, so every config a test starts
 * passes the checks an operator's passes.
 */
public final class TestConfig {

  private TestConfig() {
  }

  /** The greeting and HTTP ports on loopback, each a free port, served by {@code transport}. */
  public static ConfigYaml loopback(Transport transport) {
    return LoopbackConfigs.greeter().with("transport", transport.label());
  }

  /** {@code yaml} read as a config file is, without the environment's overrides. */
  public static GreeterConfig parse(ConfigYaml yaml) {
    return GreeterConfig.from(ConfigDocument.parse(yaml.text(), "test config"), Map.of());
  }
}
