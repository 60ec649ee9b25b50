package dev.greetprobe.probe;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code probe-service.jar check}: the lab's client, printing every phase. */
class CheckCommandTest {

  private Vertx vertx;
  private int greeterPort;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void startGreeter() throws Exception {
    vertx = Vertx.vertx();
    greeterPort = TestGreeter.start(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    join(vertx.close());
  }

  @Test
  void aGreeterByNamePrintsEachPhaseAndExitsZero() throws Exception {
    int code = check("localhost:" + greeterPort, "--expect", "^Thank You for Connecting$", "--ip4");

    assertThat(code).isZero();
    assertThat(lines(out))
        .satisfiesExactly(
            l -> assertThat(l).matches("resolve +localhost -> 127\\.0\\.0\\.1 \\(IPv4\\) +[0-9.]+ ms"),
            l -> assertThat(l).matches("connect +127\\.0\\.0\\.1 port " + greeterPort + " +[0-9.]+ ms"),
            l -> assertThat(l).matches("first_byte +\"Thank You for Connecting\" +[0-9.]+ ms"),
            l -> assertThat(l).matches("success in [0-9.]+ ms"));
  }

  @Test
  void aTimeoutPastTheMaximumIsRefusedAsAUsageErrorBeforeAnythingRuns() throws Exception {
    int code = check("127.0.0.1:1", "--timeout", "100000000h");

    assertThat(code).isEqualTo(2);
    assertThat(lines(err)).first().isEqualTo("check: --timeout: '100000000h' is above the maximum of 24h");
    assertThat(out.size()).isZero();
  }

  /** A banner that clears the screen and rings the bell is shown as its escapes, as the detail line shows it. */
  @Test
  void aBannersControlAndFormatCharactersArePrintedAsEscapes() throws Exception {
    NetServer banner = TestServers.delayed(vertx, "220 \u001b[2J\u0007hi\u202e\"", java.time.Duration.ZERO);

    int code = check("127.0.0.1:" + banner.actualPort(), "--expect", "^220");

    assertThat(code).isZero();
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).doesNotContain("\u001b", "\u0007", "\u202e");
    assertThat(lines(out)).anySatisfy(l -> assertThat(l)
        .startsWith("first_byte  \"220 \\x1b[2J\\x07hi\\u202e\\\"\""));
  }

  @Test
  void aRefusedPortPrintsTheReasonAndExitsOne() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }

    int code = check("127.0.0.1:" + closed);

    assertThat(code).isEqualTo(1);
    assertThat(lines(out)).last().asString().startsWith("failed: connect_refused: ");
  }

  /** Matching 32 KiB with Java's backtracking never ended, and neither did the command. */
  @Test
  void aPatternThatBacktracksAgainstAPeerThatHoldsExitsWithTheResultAtTheDeadline() throws Exception {
    NetServer holding = TestServers.listen(vertx, socket -> socket.write("x".repeat(32 * 1024)));

    int code = check("127.0.0.1:" + holding.actualPort(), "--expect", "(x+x+)+y", "--timeout", "1s");

    assertThat(code).isEqualTo(1);
    assertThat(lines(out)).last().asString()
        .startsWith("failed: read_timeout: expect did not match within 1000ms, the connection still open, after 32768 bytes");
  }

  @Test
  void anExpectThatNeedsBacktrackingIsRefusedWithTheReason() throws Exception {
    assertThat(check("localhost:1", "--expect", "(a)\\1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("check: --expect: '(a)\\1' uses a backreference \\1, which RE2 syntax leaves out");
  }

  @Test
  void badArgumentsPrintUsageAndExitTwo() throws Exception {
    assertThat(check("localhost", "--tls")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("check: HOST:PORT: 'localhost' is not host:port")
        .contains("Usage: java -jar probe-service.jar check HOST:PORT");
    assertThat(check("localhost:1", "--insecure")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("check: --insecure: is set, but --tls is false");
  }

  @Test
  void helpPrintsUsageAndExitsZero() throws Exception {
    assertThat(check("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: java -jar probe-service.jar check HOST:PORT");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  private int check(String... args) throws Exception {
    return CheckCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static List<String> lines(ByteArrayOutputStream stream) {
    return stream.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
