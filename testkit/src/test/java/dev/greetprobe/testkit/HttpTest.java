package dev.greetprobe.testkit;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests to a real HTTP server on loopback. */
class HttpTest {

  private Vertx vertx;
  private int port;

  @BeforeEach
  void serve() throws Exception {
    vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/hello" -> request.response().end(request.method() + " " + request.version());
        case "/accept" -> request.response().end(String.valueOf(request.getHeader("accept")));
        case "/never" -> { } // holds the request unanswered
        default -> request.response().setStatusCode(404).end("no " + request.path());
      }
    });
    port = join(server.listen(0, "127.0.0.1")).actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    join(vertx.close());
  }

  @Test
  void getsOverPlainHttp11() throws Exception {
    var response = Http.get(Http.loopback(port, "/hello"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("GET HTTP_1_1");
  }

  @Test
  void anAsynchronousGetIsAnsweredLater() throws Exception {
    var pending = Http.getAsync(Http.loopback(port, "/hello"), Duration.ofSeconds(5));

    assertThat(pending.get(10, TimeUnit.SECONDS).body()).isEqualTo("GET HTTP_1_1");
  }

  @Test
  void postsWithoutABody() throws Exception {
    assertThat(Http.post(Http.loopback(port, "/hello"), Duration.ofSeconds(5)).body())
        .isEqualTo(HttpMethod.POST + " HTTP_1_1");
  }

  @Test
  void bodyRequires200AndQuotesAnyOtherAnswer() throws Exception {
    assertThat(Http.body(Http.loopback(port, "/hello"))).startsWith("GET");
    assertThatThrownBy(() -> Http.body(Http.loopback(port, "/missing")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("answered 404: no /missing");
  }

  @Test
  void sendsTheAcceptHeaderOfABinaryScrape() throws Exception {
    var response = Http.get(Http.loopback(port, "/accept"), ProtobufScrape.ACCEPT, Duration.ofSeconds(5));

    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(ProtobufScrape.ACCEPT);
  }

  @Test
  void aServerThatNeverAnswersTimesOutWithinTheTimeout() {
    long started = System.nanoTime();

    assertThatThrownBy(() -> Http.get(Http.loopback(port, "/never"), Duration.ofMillis(300)))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }
}
