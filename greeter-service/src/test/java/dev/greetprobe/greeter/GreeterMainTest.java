package dev.greetprobe.greeter;

import static dev.greetprobe.greeter.GreeterTests.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    assertThat(result.output).contains("--config FILE").contains("GREETER_PORT").contains("GREETER_HTTP_PORT");
  }

  @Test
  void aConfigErrorNamesTheKeyAndExitsNonZero() throws Exception {
    Path config = Files.writeString(dir.resolve("greeter.yaml"), "port: 70000\n");

    Result result = run("--config", config.toString());

    assertThat(result.code).isEqualTo(2);
    assertThat(result.output).contains("greeter: port: 70000 is outside 1..65535");
  }

  @Test
  void unexpectedArgumentsAreRefused() throws Exception {
    Result result = run("--port", "1");

    assertThat(result.code).isEqualTo(2);
    assertThat(result.output).contains("unexpected arguments --port 1").contains("Usage:");
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

  private record Result(int code, String output) {
  }

  private Result run(String... args) throws Exception {
    Process p = java(args).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }

  private static ProcessBuilder java(String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        GreeterMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
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
