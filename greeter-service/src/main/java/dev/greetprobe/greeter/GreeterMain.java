package dev.greetprobe.greeter;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.Durations;
import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.ServiceOptions;
import dev.greetprobe.common.Shutdown;
import dev.greetprobe.greeter.config.GreeterConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar greeter-service.jar [--config FILE]} runs the greeter until SIGTERM or Ctrl-C;
 * {@code --check-config FILE} validates a config and exits.
 */
public final class GreeterMain {

  private static final Logger log = LoggerFactory.getLogger(GreeterMain.class);

  static final String USAGE = """
      Usage: java -jar greeter-service.jar [--config FILE]
             java -jar greeter-service.jar --check-config FILE

      Greets every TCP client with "%s" and closes the connection.

      Options:
        --config FILE         YAML config (defaults: port 12345, http.port 9180)
        --check-config FILE   validate FILE, with the environment overrides, as a start would, and start nothing:
                              exit 0 with a summary, or 2 with the message a start would stop with
        --help                this text

      Environment overrides: %s
      """.formatted(GreeterConfig.DEFAULT_GREETING, String.join(", ", GreeterConfig.ENVIRONMENT.keySet().stream().sorted().toList()));

  private GreeterMain() {
  }

  public static void main(String[] args) throws Exception {
    if (ServiceOptions.handled(args, USAGE, ConfigCheck::run)) {
      return;
    }
    GreeterConfig config;
    try {
      config = GreeterConfig.load(parseArgs(args), System.getenv());
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println(refusal(e));
      System.exit(2);
      return;
    }
    run(config);
  }

  /** What the greeter prints when it refuses its arguments or its config, and exits 2. */
  static String refusal(RuntimeException e) {
    return "greeter: " + e.getMessage();
  }

  /** The config file named by {@code --config}, or null for the defaults. */
  static Path parseArgs(String[] args) {
    if (args.length == 0) {
      return null;
    }
    if (args.length == 2 && args[0].equals("--config")) {
      return Path.of(args[1]);
    }
    throw new IllegalArgumentException("unexpected arguments " + String.join(" ", args) + "\n" + USAGE);
  }

  private static void run(GreeterConfig config) throws Exception {
    PrometheusMeterRegistry registry = Instrumentation.registry();
    Vertx vertx = Instrumentation.vertx(registry, true);
    GreeterService service = new GreeterService(vertx, config, registry);
    try {
      service.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.error("greeter failed to start: {}", e.getCause() == null ? e.toString() : e.getCause().getMessage());
      vertx.close();
      System.exit(1);
    }
    // Signals are handled before the log says the greeter listens: whoever waits for that line may signal at once.
    // The drain is bounded by the server's own timeout; the extra second only guards against a stuck close.
    Shutdown.onSignals(vertx, () -> {
      log.info("draining (up to {})", Durations.format(config.drainTimeout()));
      return service.drain();
    }, config.drainTimeout().plusSeconds(1));
    log.info("greeter listening on {}:{} ({} transport); metrics and health on {}:{}",
        config.host(), service.greetingPort(), config.transport().label(),
        config.http().host(), service.httpPort());
  }
}
