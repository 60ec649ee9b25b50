package dev.greetprobe.probe;

import dev.greetprobe.common.Durations;
import dev.greetprobe.probe.config.IpProtocol;
import dev.greetprobe.probe.config.Phase;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.config.TargetFactory;
import dev.greetprobe.probe.net.Printable;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Resolver;
import dev.greetprobe.probe.net.TcpProber;
import dev.greetprobe.probe.schedule.ProbeVerticle;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code check HOST:PORT [--expect RE] [--send TEXT] [--tls] [--insecure] [--timeout 5s] [--ip4|--ip6]}: the lab's
 * client, done properly. Probes once and prints each phase; exit code 0 on success, 1 on failure.
 */
final class CheckCommand {

  static final String USAGE = """
      Usage: java -jar probe-service.jar check HOST:PORT [options]

      Probes HOST:PORT once and prints each phase. Exit code 0 on success, 1 on failure.

      Options:
        --expect RE     read until the received text matches the regular expression RE (RE2 syntax)
        --send TEXT     write TEXT after connecting (then read a reply)
        --tls           shake hands over TLS, verifying the certificate against HOST
        --insecure      with --tls: accept any certificate
        --timeout D     deadline of the whole probe (default %s)
        --ip4, --ip6    resolve and connect over IPv4 or IPv6 only (default: IPv4 if the name has it)
      """.formatted(Durations.format(TargetFactory.DEFAULT_TIMEOUT));

  /** The options that take a value, and the target field each sets. */
  private static final Map<String, String> VALUES = Map.of("--expect", "expect", "--send", "send",
      "--timeout", "timeout");

  /** The switches: the target field each sets, and to what. */
  private static final Map<String, Map.Entry<String, String>> SWITCHES = Map.of(
      "--tls", Map.entry("tls", "true"),
      "--insecure", Map.entry("insecure_skip_verify", "true"),
      "--ip4", Map.entry("ip_protocol", IpProtocol.IP4.label()),
      "--ip6", Map.entry("ip_protocol", IpProtocol.IP6.label()));

  /** How the messages name each target field: the address is the first argument. */
  private static final Map<String, String> NAMES = Map.of("address", "HOST:PORT", "expect", "--expect",
      "send", "--send", "tls", "--tls", "insecure_skip_verify", "--insecure", "timeout", "--timeout",
      "ip_protocol", "--ip4 or --ip6");

  /** How long past its deadline a probe may take to report before the command gives up on it. */
  private static final Duration GRACE = Duration.ofSeconds(1);

  private CheckCommand() {
  }

  /** Runs the check and returns the exit code. */
  static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(USAGE);
      return 0;
    }
    Target target;
    try {
      target = target(args);
    } catch (IllegalArgumentException e) {
      err.println("check: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try (Resolver resolver = new Resolver(new ProbeConfig.Dns(List.of(), null, -1, Duration.ofSeconds(2)))) {
      ProbeVerticle verticle = new ProbeVerticle(TcpProber.factory(resolver));
      ProbeResult result;
      try {
        result = vertx.deployVerticle(verticle).compose(id -> verticle.probe(target))
            .toCompletionStage().toCompletableFuture()
            .get(target.timeout().plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        out.printf(Locale.ROOT, "failed: no result %s past the deadline of %s%n", Durations.format(GRACE),
            Durations.format(target.timeout()));
        return 1;
      }
      print(target, result, out);
      return result.success() ? 0 : 1;
    } finally {
      close(vertx);
    }
  }

  /**
   * {@code HOST:PORT} and then options, as the usage lists them; throws {@link IllegalArgumentException} with a message
   * naming the argument.
   */
  static Target target(List<String> args) {
    Map<String, String> values = new LinkedHashMap<>();
    if (!args.isEmpty()) {
      values.put("address", args.get(0));
    }
    for (int i = 1; i < args.size(); i++) {
      String option = args.get(i);
      Map.Entry<String, String> set = SWITCHES.get(option);
      if (set != null) {
        values.put(set.getKey(), set.getValue());
      } else if (VALUES.containsKey(option)) {
        if (++i >= args.size()) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        values.put(VALUES.get(option), args.get(i));
      } else {
        throw new IllegalArgumentException("unknown option " + option);
      }
    }
    return TargetFactory.fromCheck(values, NAMES);
  }

  /** A loop still busy must not keep the command from exiting with its result. */
  private static void close(Vertx vertx) throws Exception {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // The caller exits the JVM with the result, ending what is left.
    }
  }

  static void print(Target target, ProbeResult result, PrintStream out) {
    result.phases().forEach((phase, d) -> out.printf(Locale.ROOT, "%-11s %-50s %9.3f ms%n",
        phase.label(), describe(phase, target, result), d.toNanos() / 1e6));
    if (result.success()) {
      out.printf(Locale.ROOT, "success in %.3f ms%n", result.duration().toNanos() / 1e6);
    } else {
      out.printf(Locale.ROOT, "failed: %s: %s (after %.3f ms)%n",
          result.result().label(), Printable.escape(result.detail()), result.duration().toNanos() / 1e6);
    }
  }

  private static String describe(Phase phase, Target target, ProbeResult result) {
    String ip = result.address() == null ? "?" : result.address().getHostAddress();
    return switch (phase) {
      case RESOLVE -> target.address().host() + " -> " + ip + (result.address() == null ? "" : " (IPv" + result.ipProtocol() + ")");
      case CONNECT -> ip + " port " + target.address().port();
      case TLS -> "server name " + target.tls().serverName()
          + (result.certExpiry() == null ? "" : ", certificate valid until " + result.certExpiry());
      case FIRST_BYTE -> result.received() == null ? "" : quote(result.received());
    };
  }

  private static String quote(String text) {
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return Printable.quoted(shown);
  }
}
