package dev.greetprobe.greeter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.common.Transport;
import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import dev.greetprobe.testkit.ConfigYaml;
import dev.greetprobe.testkit.JavaCommand;
import dev.greetprobe.testkit.Ports;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator meets it: a real JVM, real signals. */
class GreeterMainTest {

  private static final Duration WITHIN = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private ChildProcess greeter;

  @AfterEach
  void stop() {
    if (greeter != null) {
      greeter.close();
    }
  }

  @Test
  void helpListsTheOptionsAndTheEnvironment() throws Exception {
    ChildProcess.Exit result = run("--help");

    assertThat(result.code()).isZero();
    assertThat(result.out()).contains("--config FILE").contains("--check-config FILE").contains("GREETER_PORT")
        .contains("GREETER_HTTP_PORT").contains("GREETER_LISTENERS");
  }

  @Test
  void aConfigErrorNamesTheKeyAndExitsTwo() throws Exception {
    Path config = Files.writeString(dir.resolve("greeter.yaml"), "port: 70000\n");

    ChildProcess.Exit result = run("--config", config);

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("greeter: port: 70000 is outside 1..65535\n");
  }

  @Test
  void unexpectedArgumentsAreRefused() throws Exception {
    ChildProcess.Exit result = run("--port", "1");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("unexpected arguments --port 1").contains("Usage:");
  }

  /** Beside a greeter that runs on the same ports, as a new config is checked before it is rolled out. */
  @Test
  void checkConfigSummarisesAValidFileAndStartsNothing() throws Exception {
    try (ServerSocket greeting = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path config = ConfigYaml.empty().with("host", "127.0.0.1").with("port", greeting.getLocalPort())
          .with("http.host", "127.0.0.1").with("http.port", http.getLocalPort()).with("proxy_protocol.trusted", List.of("127.0.0.0/8", "::1"))
          .write(dir.resolve("greeter.yaml"));

      ChildProcess.Exit result = run("--check-config", config);

      assertThat(result.code()).isZero();
      assertThat(result.out()).isEqualTo("greeter config OK: port " + greeting.getLocalPort()
          + " on 127.0.0.1, transport vertx, tls off, proxy_protocol on\n");
      assertThat(result.err()).isEmpty();
    }
  }

  @Test
  void checkConfigRefusesAnInvalidFileWithTheMessageAStartStopsWith() throws Exception {
    Path config = Files.writeString(dir.resolve("greeter.yaml"), "port: 70000\n");

    ChildProcess.Exit check = run("--check-config", config);
    ChildProcess.Exit start = run("--config", config);

    assertThat(check.code()).isEqualTo(2);
    assertThat(check.err()).isEqualTo("greeter: port: 70000 is outside 1..65535\n").isEqualTo(start.err());
    assertThat(check.out()).isEmpty();
  }

  @Test
  void checkConfigRefusesAMissingFileAsAStartDoes() throws Exception {
    Path missing = dir.resolve("missing.yaml");

    ChildProcess.Exit check = run("--check-config", missing);
    ChildProcess.Exit start = run("--config", missing);

    assertThat(check.code()).isEqualTo(2);
    assertThat(check.err()).isEqualTo("greeter: cannot read config file " + missing + ": no such file\n")
        .isEqualTo(start.err());
  }

  @Test
  void checkConfigAppliesTheEnvironmentAsAStartDoesAndNamesWhatItApplied() throws Exception {
    Path config = Files.writeString(dir.resolve("greeter.yaml"), "port: 2345\n");

    ChildProcess.Exit epoll = run(Map.of("GREETER_TRANSPORT", "epoll", "GREETER_HOST", "::"), "--check-config",
        config);
    ChildProcess.Exit badPort = run(Map.of("GREETER_PORT", "abc"), "--check-config", config);

    assertThat(epoll.code()).isZero();
    assertThat(epoll.out()).isEqualTo("greeter config OK: port 2345 on ::, transport epoll, tls off, proxy_protocol off;"
        + " from the environment: GREETER_HOST, GREETER_TRANSPORT\n");
    assertThat(badPort.code()).isEqualTo(2);
    assertThat(badPort.err()).isEqualTo("greeter: port (from GREETER_PORT): 'abc' is not a whole number\n")
        .isEqualTo(run(Map.of("GREETER_PORT", "abc"), "--config", config).err());
  }

  @Test
  void itGreetsLogsWhereItListensAndExitsZeroOnSigterm() throws Exception {
    int port = Ports.free();
    Path config = TestConfig.loopback(Transport.VERTX).with("port", port).with("log_connections", true)
        .write(dir.resolve("greeter.yaml"));
    greeter = ChildProcess.start("greeter", greeter("--config", config), dir.resolve("greeter.log"));

    assertThat(greeter.awaitLine("greeter listening on", WITHIN)).contains("127.0.0.1:" + port)
        .contains("(vertx transport)");
    try (Socket socket = new Socket("127.0.0.1", port)) {
      assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("Thank You for Connecting");
    }
    assertThat(greeter.awaitLine("Got connection from", WITHIN)).contains("127.0.0.1");

    greeter.signalTerm();
    assertThat(greeter.awaitExit(Duration.ofSeconds(20))).isZero();
    assertThat(greeter.awaitLine("stopped", WITHIN)).isNotNull();
  }

  private static ChildProcess.Exit run(Object... args) {
    return run(Map.of(), args);
  }

  /** Runs to its end with {@code environment} added. */
  private static ChildProcess.Exit run(Map<String, String> environment, Object... args) {
    return ChildProcess.run(greeter(args).withEnvironment(environment), WITHIN);
  }

  /** A JVM running the greeter's main, without the overrides the environment this test runs in may set. */
  private static Command greeter(Object... args) {
    return JavaCommand.mainClass(GreeterMain.class).arguments(args)
        .withoutEnvironment(GreeterConfig.ENVIRONMENT.keySet());
  }
}
