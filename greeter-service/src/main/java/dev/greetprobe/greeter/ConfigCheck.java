package dev.greetprobe.greeter;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.greeter.config.GreeterConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code --check-config FILE}: validates FILE as a start does, the environment's overrides included, and starts
 * nothing, so a config can be checked beside the greeter that runs, on its ports.
 */
final class ConfigCheck {

  private ConfigCheck() {
  }

  /** Prints a summary and returns 0, or prints the message a start would refuse the config with and returns 2. */
  static int run(Path file, Map<String, String> environment, PrintStream out, PrintStream err) {
    GreeterConfig config;
    try {
      config = GreeterConfig.load(file, environment);
    } catch (ConfigException | IllegalArgumentException e) {
      err.println(GreeterMain.refusal(e));
      return 2;
    }
    out.println(summary(config, environment));
    return 0;
  }

  private static String summary(GreeterConfig config, Map<String, String> environment) {
    String summary = "greeter config OK: port " + config.port() + " on " + config.host() + ", transport "
        + config.transport().label() + ", tls " + (config.tls() == null ? "off" : "on") + ", proxy_protocol "
        + (config.proxyProtocol() ? "on" : "off");
    List<String> overrides = GreeterConfig.ENVIRONMENT.keySet().stream().filter(environment::containsKey).sorted()
        .toList();
    return overrides.isEmpty() ? summary : summary + "; from the environment: " + String.join(", ", overrides);
  }
}
