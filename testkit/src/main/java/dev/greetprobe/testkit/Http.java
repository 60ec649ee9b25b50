package dev.greetprobe.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Plain HTTP/1.1 requests from a test to a server on loopback, each bounded by a timeout. HTTP/1.1 without an h2c
 * upgrade, as Prometheus scrapes and as kubelet probes.
 */
public final class Http {

  /** How long a request may take unless its caller says otherwise. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private Http() {
  }

  /** {@code http://127.0.0.1:PORT/PATH}. */
  public static String loopback(int port, String path) {
    return "http://127.0.0.1:" + port + path;
  }

  public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return get(url, TIMEOUT);
  }

  public static HttpResponse<String> get(String url, Duration timeout) throws IOException, InterruptedException {
    return CLIENT.send(request(url, timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET answered later, for a test to check what else answers meanwhile. */
  public static CompletableFuture<HttpResponse<String>> getAsync(String url, Duration timeout) {
    return CLIENT.sendAsync(request(url, timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET with {@code accept} as its Accept header, its body as bytes: a scrape in a binary format. */
  public static HttpResponse<byte[]> get(String url, String accept, Duration timeout)
      throws IOException, InterruptedException {
    return CLIENT.send(request(url, timeout).header("Accept", accept).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The body of a GET that must answer 200; any other answer fails, quoting it. */
  public static String body(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = get(url);
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + url + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** A POST without a body, as {@code POST /-/reload}. */
  public static HttpResponse<String> post(String url, Duration timeout) throws IOException, InterruptedException {
    return CLIENT.send(request(url, timeout).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String url, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
  }
}
