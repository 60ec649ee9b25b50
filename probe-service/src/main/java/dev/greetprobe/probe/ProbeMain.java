package dev.greetprobe.probe;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.ServiceOptions;
import dev.greetprobe.common.Shutdown;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.schedule.Reloader;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar probe-service.jar [--config FILE]} runs the probe until SIGTERM or Ctrl-C, reloading the config on
 * SIGHUP; {@code --check-config FILE} validates a config and exits; {@code java -jar probe-service.jar check HOST:PORT
 * ...} probes once.
 */
public final class ProbeMain {

  private static final Logger log = LoggerFactory.getLogger(ProbeMain.class);

  static final String USAGE = """
      Usage: java -jar probe-service.jar [--config FILE]
             java -jar probe-service.jar --check-config FILE
             java -jar probe-service.jar check HOST:PORT [--expect RE] [--send TEXT] [--tls] [--insecure] [--timeout D] [--ip4|--ip6]

      Probes the configured targets on a schedule (DNS, connect, TLS, first byte) and serves Prometheus metrics,
      /targets and /probe on HTTP (default port 9181). Without --config it probes www.apple.com:80 and a greeter
      on localhost:12345.

      The config reloads when the file's content changes (checked every reload.interval), on SIGHUP, and, with
      reload.http: true, on POST /-/reload; targets are split over shard.count instances, or over the live peers a
      DNS name lists (shard.peers), by a hash of their names.

      --check-config FILE validates FILE, with the environment overrides, as a start (and a reload) would, and starts
      nothing: exit 0 with a summary, or 2 with the message a start would stop with.

      transport (vertx, the default, or epoll) chooses how probes connect: through Vert.x's NetClient, or
      plain targets on bare epoll sockets (Linux).

      Environment overrides: PROBE_TRANSPORT, PROBE_HTTP_HOST, PROBE_HTTP_PORT, PROBE_SHARD_COUNT,
      PROBE_SHARD_INDEX (a number, or a StatefulSet pod name such as probe-2), PROBE_SHARD_SELF (this
      instance's IP address among the peers of shard.peers)
      """;

  private ProbeMain() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("check")) {
      System.exit(CheckCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
    }
    if (ServiceOptions.handled(args, USAGE, ConfigCheck::run)) {
      return;
    }
    ConfigSource source;
    try {
      source = source(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(refusal(e));
      System.exit(2);
      return;
    }
    run(source);
  }

  /** What the probe prints when it refuses its arguments or its config, and exits 2. */
  static String refusal(Throwable e) {
    return "probe: " + e.getMessage();
  }

  static ConfigSource source(String[] args, Map<String, String> environment) throws IOException {
    if (args.length == 0) {
      return ConfigSource.builtIn(environment);
    }
    if (args.length == 2 && args[0].equals("--config")) {
      return new ConfigSource.File(Path.of(args[1]), environment);
    }
    throw new IllegalArgumentException("unexpected arguments " + String.join(" ", args) + "\n" + USAGE);
  }

  private static void run(ConfigSource source) throws Exception {
    PrometheusMeterRegistry registry = Instrumentation.registry();
    // Vert.x on Linux's epoll where there is one, whatever the probe's transport: its NetClient costs less there than
    // on NIO, and transport epoll needs it.
    Vertx vertx = Instrumentation.vertx(registry, true);
    ProbeService service;
    try {
      String text = source.read(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      service = new ProbeService(vertx, registry, source, text);
    } catch (ExecutionException | TimeoutException | ConfigException e) {
      System.err.println(refusal(e.getCause() == null ? e : e.getCause()));
      System.exit(2);
      return;
    }
    try {
      service.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.error("probe failed to start: {}", e.getCause() == null ? e.toString() : e.getCause().getMessage());
      vertx.close();
      System.exit(1);
    }
    // Signals are handled before the log says the probe runs: whoever waits for that line may signal at once.
    Shutdown.onSignals(vertx, service::stop, Duration.ofSeconds(10));
    // The reload logs its outcome; the signal's thread must not wait for it.
    Signal.handle(new Signal("HUP"), signal -> service.reload("SIGHUP"));
    ProbeConfig config = service.config();
    log.info("probe running on transport {}, {}; the status page /, /metrics, /targets, /probe{}"
        + " on {}:{}",
        config.transport().label(), Reloader.describe(service.assignment()),
        config.reload().http() ? " and POST /-/reload" : "", config.http().host(), service.httpPort());
  }
}
