package dev.greetprobe.common;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A scrape's body as it is written, in chunks of a fixed size, then sent with its length. A scrape of many thousands of
 * targets is a large share of the heap: grown in one buffer it is copied at every doubling, and its arrays are too
 * large for the collector's young regions, so each scrape cost the heap a second copy and the collector a humongous
 * object. Chunks are neither.
 */
public final class ScrapeBody extends OutputStream {

  /** Below the half region at which G1 treats an array as humongous, on the smallest heap a service runs in. */
  private static final int CHUNK = 256 * 1024;

  private final List<Buffer> chunks = new ArrayList<>();
  private Buffer last;
  private long length;

  @Override
  public void write(int b) {
    room().appendByte((byte) b);
    length++;
  }

  @Override
  public void write(byte[] bytes, int offset, int count) {
    while (count > 0) {
      Buffer chunk = room();
      int n = Math.min(count, CHUNK - chunk.length());
      chunk.appendBytes(bytes, offset, n);
      offset += n;
      count -= n;
      length += n;
    }
  }

  private Buffer room() {
    if (last == null || last.length() == CHUNK) {
      last = Buffer.buffer(CHUNK);
      chunks.add(last);
    }
    return last;
  }

  public long length() {
    return length;
  }

  /** Sends the body as {@code response}'s, with its length. On the response's event loop. */
  public Future<Void> send(HttpServerResponse response) {
    response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    chunks.forEach(response::write);
    return response.end();
  }
}
