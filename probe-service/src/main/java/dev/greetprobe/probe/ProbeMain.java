package dev.greetprobe.probe;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.Instrumentation;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar probe-service.jar [--config FILE]} runs the probe until SIGTERM or Ctrl-C;
 * {@code java -jar probe-service.jar check HOST:PORT ...} probes once.
 */
public final class ProbeMain {

  /** A second signal during shutdown (Ctrl-C twice, or TERM to a whole process group) must not start it again. */
  private static final AtomicBoolean stopping = new AtomicBoolean();
  private static final Logger log = LoggerFactory.getLogger(ProbeMain.class);

  static final String USAGE = """
      Usage: java -jar probe-service.jar [--config FILE]
             java -jar probe-service.jar check HOST:PORT [--expect RE] [--send TEXT] [--tls] [--insecure] [--timeout D] [--ip4|--ip6]

      Probes the configured targets on a schedule (DNS, connect, TLS, first byte) and serves Prometheus metrics,
      /targets and /probe on HTTP (default port 9181). Without --config it probes www.apple.com:80 and a greeter
      on localhost:12345.

      Environment overrides: PROBE_HTTP_HOST, PROBE_HTTP_PORT
      """;

  private ProbeMain() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("check")) {
      System.exit(CheckCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
    }
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(USAGE);
      return;
    }
    ProbeConfig config;
    try {
      config = load(args);
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("probe: " + e.getMessage());
      System.exit(2);
      return;
    }
    run(config);
  }

  static ProbeConfig load(String[] args) throws IOException {
    if (args.length == 0) {
      try (InputStream in = ProbeMain.class.getResourceAsStream("/default-config.yaml")) {
        return ProbeConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "the built-in config",
            System.getenv());
      }
    }
    if (args.length == 2 && args[0].equals("--config")) {
      return ProbeConfig.load(Path.of(args[1]), System.getenv());
    }
    throw new IllegalArgumentException("unexpected arguments " + String.join(" ", args) + "\n" + USAGE);
  }

  private static void run(ProbeConfig config) throws Exception {
    PrometheusMeterRegistry registry = Instrumentation.registry();
    Vertx vertx = Instrumentation.vertx(registry, ProbeService.NATIVE_TRANSPORT);
    ProbeService service = new ProbeService(vertx, config, registry);
    try {
      service.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.error("probe failed to start: {}", e.getCause() == null ? e.toString() : e.getCause().getMessage());
      vertx.close();
      System.exit(1);
    }
    log.info("probe running {} targets; metrics, /targets and /probe on {}:{}",
        config.targets().size(), config.http().host(), service.httpPort());
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> shutdown(vertx, service));
    }
  }

  private static void shutdown(Vertx vertx, ProbeService service) {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    int code = 0;
    try {
      service.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      log.info("stopped");
    } catch (Exception e) {
      log.error("unclean shutdown: {}", e.toString());
      code = 1;
    }
    System.exit(code);
  }
}
