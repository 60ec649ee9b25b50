package dev.greetprobe.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A scrape's body keeps every byte written, in order, whatever the chunks it falls into. */
class ScrapeBodyTest {

  @Test
  void writesOfEverySizeAcrossManyChunksComeBackWhole() {
    ScrapeBody body = new ScrapeBody();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Random random = new Random(17);
    for (int size : new int[] {1, 0, 7, 256 * 1024 - 8, 3, 256 * 1024, 1, 600 * 1024, 5}) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      int offset = size > 2 ? 1 : 0;
      body.write(bytes, offset, size - offset);
      expected.write(bytes, offset, size - offset);
      body.write(size & 0xff);
      expected.write(size & 0xff);
    }

    assertThat(body.length()).isEqualTo(expected.size());
    assertThat(body.toBuffer().getBytes()).isEqualTo(expected.toByteArray());
  }

  @Test
  void anEmptyBodyHasNoBytes() {
    ScrapeBody body = new ScrapeBody();

    assertThat(body.length()).isZero();
    assertThat(body.toBuffer().length()).isZero();
  }
}
