package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The tools the deploy tests drive: from Debian, {@code promtool} and {@code prometheus} (package {@code prometheus})
 * and {@code dnsmasq} (package {@code dnsmasq-base}); and {@code kubectl}, whose {@code kubectl kustomize} renders the
 * manifests. The repository's {@code ./test} installs them all; a tool that is missing fails its tests with that
 * command.
 */
final class Tools {

  /** The command that installs every tool, then runs the tests. */
  static final String INSTALL = "./test";

  /** The Debian package of each tool found on the PATH. */
  private static final Map<String, String> DEBIAN_PACKAGES = Map.of(
      "promtool", "prometheus",
      "prometheus", "prometheus",
      "dnsmasq", "dnsmasq-base");

  /** Debian installs dnsmasq in /usr/sbin, which is not on every user's PATH. */
  private static final List<Path> SBIN = List.of(Path.of("/usr/sbin"), Path.of("/sbin"));

  /** The manifests need kustomize v5, which came with kubectl 1.27. */
  private static final int KUBECTL_MINIMUM_MINOR = 27;
  private static final Pattern KUBECTL_MINOR = Pattern.compile("\"minor\":\\s*\"(\\d+)");
  private static final Duration KUBECTL_VERSION_TIMEOUT = Duration.ofSeconds(30);

  private Tools() {
  }

  /** The executable {@code name}, one of Debian's tools, or a failed test that says how to install it. */
  static Path require(String name) {
    String debianPackage = DEBIAN_PACKAGES.get(name);
    if (debianPackage == null) {
      throw new IllegalArgumentException(name + " is not one of the tools " + DEBIAN_PACKAGES.keySet());
    }
    return find(name).orElseGet(() -> fail(name + " is not installed: run `" + INSTALL + "`, which installs it"
        + " (Debian's package " + debianPackage + ") and then runs the tests"));
  }

  /**
   * kubectl 1.27 or later: the one {@code ./test} keeps in the project's cache folder if it is there (Debian's own
   * kubectl is older), else the PATH's; otherwise a failed test that says how to install it.
   */
  static Path kubectl() {
    Path cached = kubectlCache();
    Path kubectl = Files.isExecutable(cached) ? cached
        : find("kubectl").orElseGet(() -> fail("kubectl is not installed: run `" + INSTALL + "`, which installs a"
            + " current one into " + cached.getParent() + " and then runs the tests"));
    Output version = run(kubectl.getParent(), "", KUBECTL_VERSION_TIMEOUT, kubectl, "version", "--client",
        "--output=json");
    Matcher minor = KUBECTL_MINOR.matcher(version.text());
    if (version.exitCode() != 0 || !minor.find()) {
      return fail(kubectl + " version --client: " + version);
    }
    if (Integer.parseInt(minor.group(1)) < KUBECTL_MINIMUM_MINOR) {
      return fail(kubectl + " is kubectl 1." + minor.group(1) + ", older than 1." + KUBECTL_MINIMUM_MINOR
          + ", whose kustomize v5 the manifests need: run `" + INSTALL + "`, which installs a current one into "
          + cached.getParent() + " and then runs the tests");
    }
    return kubectl;
  }

  /** Where {@code ./test} puts the kubectl it installs: the user's cache folder (XDG), under greetprobe/bin. */
  private static Path kubectlCache() {
    String xdg = System.getenv().getOrDefault("XDG_CACHE_HOME", "");
    Path cache = xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return cache.resolve("greetprobe").resolve("bin").resolve("kubectl");
  }

  static Optional<Path> find(String name) {
    Stream<Path> path = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(Path::of);
    return Stream.concat(path, SBIN.stream()).map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
  }

  /** A finished command: its exit code, and its standard output and error as one text. */
  record Output(int exitCode, String text) {

    @Override
    public String toString() {
      return "exit code " + exitCode + ", output:\n" + text;
    }
  }

  /** Runs {@code command} in {@code dir} with {@code stdin} as its input, and waits at most {@code timeout}. */
  static Output run(Path dir, String stdin, Duration timeout, Object... command) {
    List<String> args = new ArrayList<>();
    for (Object arg : command) {
      args.add(arg.toString());
    }
    try {
      Process process = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
      CompletableFuture<Void> input = CompletableFuture.runAsync(() -> {
        try (OutputStream out = process.getOutputStream()) {
          out.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
        try {
          return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        return fail(String.join(" ", args) + " did not finish within " + timeout);
      }
      input.join();
      return new Output(process.exitValue(), output.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
