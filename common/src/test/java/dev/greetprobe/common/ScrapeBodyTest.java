package dev.greetprobe.common;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.testkit.Http;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A scrape's body is sent with every byte written, in order, whatever the chunks it falls into, and its length. */
class ScrapeBodyTest {

  private final AtomicReference<ScrapeBody> body = new AtomicReference<>();
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void serveTheBody() throws Exception {
    vertx = Vertx.vertx();
    server = join(vertx.createHttpServer(OpsRoutes.httpOptions())
        .requestHandler(request -> body.get().send(request.response()))
        .listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    join(vertx.close());
  }

  @Test
  void writesOfEverySizeAcrossManyChunksArriveWhole() throws Exception {
    ScrapeBody written = new ScrapeBody();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Random random = new Random(17);
    for (int size : new int[] {1, 0, 7, 256 * 1024 - 8, 3, 256 * 1024, 1, 600 * 1024, 5}) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      int offset = size > 2 ? 1 : 0;
      written.write(bytes, offset, size - offset);
      expected.write(bytes, offset, size - offset);
      written.write(size & 0xff);
      expected.write(size & 0xff);
    }
    body.set(written);

    HttpResponse<byte[]> response = scrape();

    assertThat(written.length()).isEqualTo(expected.size());
    assertThat(response.headers().firstValueAsLong("content-length")).hasValue(expected.size());
    assertThat(response.body()).isEqualTo(expected.toByteArray());
  }

  @Test
  void anEmptyBodyHasNoBytes() throws Exception {
    body.set(new ScrapeBody());

    HttpResponse<byte[]> response = scrape();

    assertThat(response.headers().firstValueAsLong("content-length")).hasValue(0);
    assertThat(response.body()).isEmpty();
  }

  private HttpResponse<byte[]> scrape() throws Exception {
    return Http.get(Http.loopback(server.actualPort(), "/metrics"), "*/*", Http.TIMEOUT);
  }
}
