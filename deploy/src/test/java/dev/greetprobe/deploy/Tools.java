package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.fail;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The tools the deploy tests drive: from Debian, {@code promtool} and {@code prometheus} (package {@code prometheus}),
 * {@code dnsmasq} (package {@code dnsmasq-base}), and {@code podman} with {@code runc} (packages of those names); and
 * {@code kubectl}, whose {@code kubectl kustomize} renders the manifests. The repository's {@code ./test} installs them
 * all; a tool that is missing fails its tests with that command.
 */
final class Tools {

  /** The command that installs every tool, then runs the tests. */
  static final String INSTALL = "./test";

  /** The Debian package of each tool found on the PATH. */
  private static final Map<String, String> DEBIAN_PACKAGES = Map.of(
      "promtool", "prometheus",
      "prometheus", "prometheus",
      "dnsmasq", "dnsmasq-base",
      "podman", "podman",
      "runc", "runc");

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
    ChildProcess.Exit version = ChildProcess.run(Command.of(kubectl, "version", "--client", "--output=json")
        .in(kubectl.getParent()), KUBECTL_VERSION_TIMEOUT);
    Matcher minor = KUBECTL_MINOR.matcher(version.text());
    if (version.code() != 0 || !minor.find()) {
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
}
