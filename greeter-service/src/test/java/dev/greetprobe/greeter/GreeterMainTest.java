package dev.greetprobe.greeter;

import static dev.greetprobe.greeter.GreeterTests.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator meets it: a real JVM, real signals. */
class GreeterMainTest {

  @TempDir
  Path dir;

  private Process process;

  @AfterEach
  void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void helpListsTheOptionsAndTheEnvironment() throws Exception {
    Result result = run("--help");

    assertThat(result.code).isZero();
    assertThat(result.out).contains("--config FILE").contains("--check-config FILE").contains("GREETER_PORT")
        .contains("GREETER_HTTP_PORT").contains("GREETER_LISTENERS");
  }

  @Test
  void aConfigErrorNamesTheKeyAndExitsTwo() throws Exception {
    Path config = Files.writeString(dir.resolve("greeter.yaml"), "port: 70000\n");

    Result result = run("--config", config.toString());

    assertThat(result.code).isEqualTo(2);
    assertThat(result.err).isEqualTo("greeter: port: 70000 is outside 1..65535\n");
  }

  @Test
  void unexpectedArgumentsAreRefused() throws Exception {
    Result result = run("--port", "1");

    assertThat(result.code).isEqualTo(2);
    assertThat(result.err).contains("unexpected arguments --port 1").contains("Usage:");
  }

  /** Beside a greeter that runs on the same ports, as a new config is checked before it is rolled out. */
  @Test
  void checkConfigSummarisesAValidFileAndStartsNothing() throws Exception {
    try (ServerSocket greeting = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path config = Files.writeString(dir.resolve("greeter.yaml"), "host: 127.0.0.1\nport: " + greeting.getLocalPort()
          + "\nhttp: {host: 127.0.0.1, port: " + http.getLocalPort() + "}\nproxy_protocol: true\n");

      Result result = run("--check-config", config.toString());

      assertThat(result.code).isZero();
      assertThat(result.out).isEqualTo("greeter config OK: port " + greeting.getLocalPort()
          + " on 127.0.0.1, transport vertx, tls off, proxy_protocol on\n");
      assertThat(result.err).isEmpty();
    }
  }

  @Test
  void checkConfigRefusesAnInvalidFileWithTheMessageAStartStopsWith() throws Exception {
    Path config = Files.writeString(dir.resolve("greeter.yaml"), "port: 70000\n");

    Result check = run("--check-config", config.toString());
    Result start = run("--config", config.toString());

    assertThat(check.code).isEqualTo(2);
    assertThat(check.err).isEqualTo("greeter: port: 70000 is outside 1..65535\n").isEqualTo(start.err);
    assertThat(check.out).isEmpty();
  }

  @Test
  void checkConfigRefusesAMissingFileAsAStartDoes() throws Exception {
    Path missing = dir.resolve("missing.yaml");

    Result check = run("--check-config", missing.toString());
    Result start = run("--config", missing.toString());

    assertThat(check.code).isEqualTo(2);
    assertThat(check.err).isEqualTo("greeter: cannot read config file " + missing + ": no such file\n")
        .isEqualTo(start.err);
  }

  @Test
  void checkConfigAppliesTheEnvironmentAsAStartDoesAndNamesWhatItApplied() throws Exception {
    Path config = Files.writeString(dir.resolve("greeter.yaml"), "port: 2345\n");

    Result epoll = run(Map.of("GREETER_TRANSPORT", "epoll", "GREETER_HOST", "::"), "--check-config",
        config.toString());
    Result badPort = run(Map.of("GREETER_PORT", "abc"), "--check-config", config.toString());

    assertThat(epoll.code).isZero();
    assertThat(epoll.out).isEqualTo("greeter config OK: port 2345 on ::, transport epoll, tls off, proxy_protocol off;"
        + " from the environment: GREETER_HOST, GREETER_TRANSPORT\n");
    assertThat(badPort.code).isEqualTo(2);
    assertThat(badPort.err).isEqualTo("greeter: port (from GREETER_PORT): 'abc' is not a whole number\n")
        .isEqualTo(run(Map.of("GREETER_PORT", "abc"), "--config", config.toString()).err);
  }

  @Test
  void itGreetsLogsWhereItListensAndExitsZeroOnSigterm() throws Exception {
    int port = freePort();
    int httpPort = freePort();
    Path config = Files.writeString(dir.resolve("greeter.yaml"),
        "host: 127.0.0.1\nport: " + port + "\nhttp: {host: 127.0.0.1, port: " + httpPort + "}\nlog_connections: true\n");
    process = java("--config", config.toString()).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));

    assertThat(readUntil(out, "greeter listening on")).contains("127.0.0.1:" + port).contains("(vertx transport)");
    try (Socket socket = new Socket("127.0.0.1", port)) {
      assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("Thank You for Connecting");
    }
    assertThat(readUntil(out, "Got connection from")).contains("127.0.0.1");

    process.toHandle().destroy(); // SIGTERM, leaving the output readable
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(readUntil(out, "stopped")).isNotNull();
  }

  private record Result(int code, String out, String err) {
  }

  private Result run(String... args) throws Exception {
    return run(Map.of(), args);
  }

  /** Runs to its end with {@code environment} added; standard error goes to a file, so neither stream can fill up. */
  private Result run(Map<String, String> environment, String... args) throws Exception {
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder builder = java(args).redirectErrorStream(false).redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out, Files.readString(err));
  }

  /** A JVM running the greeter's main, without the overrides the environment this test runs in may set. */
  private static ProcessBuilder java(String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        GreeterMain.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(GreeterConfig.ENVIRONMENT::containsKey);
    return builder;
  }

  /** The first line containing {@code text}; fails if the process ends first. */
  private static String readUntil(BufferedReader out, String text) throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.contains(text)) {
        return line;
      }
    }
    throw new AssertionError("the process ended without printing '" + text + "'");
  }
}
