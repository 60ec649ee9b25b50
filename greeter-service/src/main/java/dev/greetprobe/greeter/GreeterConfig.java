package dev.greetprobe.greeter;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The greeter's settings, validated once at start.
 *
 * @param host address the greeting port binds to
 * @param port the greeting port
 * @param greeting the exact text sent to every client (UTF-8, nothing appended)
 * @param instances greeting verticles; 0 means one per event loop
 * @param backlog the listen backlog; large, so a burst of connects is queued instead of refused
 * @param drainTimeout how long shutdown waits for connections in flight
 * @param logConnections whether every connection is logged ("Got connection from ADDRESS")
 * @param http the metrics and health endpoint
 */
public record GreeterConfig(
    String host,
    int port,
    String greeting,
    int instances,
    int backlog,
    Duration drainTimeout,
    boolean logConnections,
    Http http) {

  public static final String DEFAULT_GREETING = "Thank You for Connecting";

  /** Environment variables a container sets, and the keys they override. */
  static final Map<String, String> ENVIRONMENT = Map.of(
      "GREETER_HOST", "host",
      "GREETER_PORT", "port",
      "GREETER_GREETING", "greeting",
      "GREETER_INSTANCES", "instances",
      "GREETER_DRAIN_TIMEOUT", "drain_timeout",
      "GREETER_LOG_CONNECTIONS", "log_connections",
      "GREETER_HTTP_HOST", "http.host",
      "GREETER_HTTP_PORT", "http.port");

  /** @param host address the HTTP endpoint binds to; @param port its port */
  public record Http(String host, int port) {
  }

  public static GreeterConfig defaults() {
    return from(null, Map.of());
  }

  /** Reads {@code file} (or the defaults when null), then applies {@code environment} overrides. */
  public static GreeterConfig load(Path file, Map<String, String> environment) {
    Object document = null;
    if (file != null) {
      try {
        document = new Load(LoadSettings.builder().setLabel(file.toString()).build())
            .loadFromString(Files.readString(file));
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
      } catch (YamlEngineException e) {
        throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage());
      }
    }
    return from(document, environment);
  }

  /** Validates a parsed YAML document (null for none) with {@code environment} overrides. */
  public static GreeterConfig from(Object document, Map<String, String> environment) {
    ConfigReader root = ConfigReader.root(document);
    ENVIRONMENT.forEach((variable, key) -> {
      String value = environment.get(variable);
      if (value != null) {
        root.override(key, variable, value);
      }
    });
    GreeterConfig config = new GreeterConfig(
        root.nonEmptyString("host", "0.0.0.0"),
        root.port("port", 12345),
        root.nonEmptyString("greeting", DEFAULT_GREETING),
        root.integer("instances", 0, 0, 1024),
        root.integer("backlog", 4096, 1, 65535),
        root.duration("drain_timeout", Duration.ofSeconds(10)),
        root.bool("log_connections", false),
        http(root.section("http")));
    root.done();
    return config;
  }

  private static Http http(ConfigReader http) {
    Http result = new Http(http.nonEmptyString("host", "0.0.0.0"), http.port("port", 9180));
    http.done();
    return result;
  }
}
