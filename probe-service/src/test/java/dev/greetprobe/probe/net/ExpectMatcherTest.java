package dev.greetprobe.probe.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greetprobe.probe.config.Expect;
import dev.greetprobe.probe.net.ExpectMatcher.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Matching the text as it arrives, with a probe's scanning work bounded whatever the sizes of the chunks. */
class ExpectMatcherTest {

  private static final int LIMIT = TcpProber.MAX_READ_BYTES;

  @Test
  void aBannerIsMatchedOnTheChunkThatCompletesIt() {
    ExpectMatcher matcher = new ExpectMatcher(Expect.compile("^Thank You for Connecting$"), LIMIT);

    assertThat(add(matcher, "Thank You ")).isEqualTo(Verdict.OPEN);
    assertThat(add(matcher, "for Connecting")).isEqualTo(Verdict.MATCHED);
  }

  @Test
  void withoutExpectAnyByteWillDo() {
    ExpectMatcher matcher = new ExpectMatcher(null, LIMIT);

    assertThat(matcher.decide()).isEqualTo(Verdict.OPEN);
    assertThat(add(matcher, "+")).isEqualTo(Verdict.MATCHED);
  }

  /** A peer trickling the whole read limit in chunks of any size costs the probe a bounded number of scanned bytes. */
  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 16, 100, 1460, 65536})
  void tricklingTheReadLimitCostsABoundedScan(int chunkSize) {
    ExpectMatcher matcher = new ExpectMatcher(Expect.compile(".*y"), LIMIT);
    byte[] chunk = new byte[chunkSize];
    Arrays.fill(chunk, (byte) 'x');

    Verdict verdict = Verdict.OPEN;
    while (verdict == Verdict.OPEN) {
      verdict = add(matcher, chunk);
    }

    assertThat(verdict).isEqualTo(Verdict.NO_MATCH);
    assertThat(matcher.size()).isEqualTo(LIMIT);
    assertThat(matcher.scanned()).isLessThanOrEqualTo(ExpectMatcher.maxScanned(LIMIT));
  }

  @Test
  void aMatchInTextThatWaitedForItsScanIsFoundOnceTheReadEnds() {
    ExpectMatcher matcher = new ExpectMatcher(Expect.compile("READY"), LIMIT);
    long before;
    // Until a scan has just been made past the allowance: a few more bytes then wait for more to come.
    do {
      before = matcher.scanned();
      add(matcher, "x".repeat(100));
    } while (matcher.scanned() == before || before <= ExpectMatcher.SCAN_ALLOWANCE + 100);
    long scanned = matcher.scanned();

    assertThat(add(matcher, "READY")).isEqualTo(Verdict.OPEN);
    assertThat(matcher.scanned()).as("rationed: this chunk waits for more").isEqualTo(scanned);
    assertThat(matcher.last()).isTrue();
  }

  @Test
  void aCharacterSplitBetweenChunksIsDecodedWhole() {
    ExpectMatcher matcher = new ExpectMatcher(Expect.compile("^grüß$"), LIMIT);
    byte[] bytes = "grüß".getBytes(StandardCharsets.UTF_8);

    add(matcher, Arrays.copyOfRange(bytes, 0, 3));
    assertThat(add(matcher, Arrays.copyOfRange(bytes, 3, bytes.length))).isEqualTo(Verdict.MATCHED);
    assertThat(matcher.excerpt(10)).isEqualTo("grüß");
  }

  @Test
  void asciiAndOtherTextMixOverChunksAsOneText() {
    ExpectMatcher matcher = new ExpectMatcher(Expect.compile("^Grüße aus K\uFFFDln$"), LIMIT);
    byte[] greeting = "Grüße".getBytes(StandardCharsets.UTF_8);

    add(matcher, Arrays.copyOfRange(greeting, 0, 1)); // "G", ASCII
    add(matcher, Arrays.copyOfRange(greeting, 1, 3)); // "r" and the first byte of "ü"
    add(matcher, Arrays.copyOfRange(greeting, 3, greeting.length));
    add(matcher, " aus K");
    // A byte that starts no character is replaced, in a chunk that is otherwise ASCII.
    assertThat(add(matcher, new byte[] {(byte) 0xFF, 'l', 'n'})).isEqualTo(Verdict.MATCHED);
    assertThat(matcher.size()).isEqualTo(greeting.length + " aus K".length() + 3);
  }

  @Test
  void bytesPastTheReadLimitAreDropped() {
    ExpectMatcher matcher = new ExpectMatcher(Expect.compile("y"), 10);

    assertThat(add(matcher, "x".repeat(10) + "y")).isEqualTo(Verdict.NO_MATCH);
    assertThat(matcher.size()).isEqualTo(10);
  }

  @Test
  void anExcerptIsBoundedAndDoesNotSplitASurrogatePair() {
    ExpectMatcher matcher = new ExpectMatcher(null, LIMIT);
    add(matcher, "x".repeat(1023) + "😀" + "y".repeat(5000));

    assertThat(matcher.excerpt(ProbeResult.RECEIVED_EXCERPT_CHARS)).isEqualTo("x".repeat(1023));
    assertThat(matcher.excerpt(1025)).isEqualTo("x".repeat(1023) + "😀");
  }

  @Test
  void aFailuresDescriptionQuotesTheStartOnOneLine() {
    ExpectMatcher matcher = new ExpectMatcher(null, LIMIT);
    add(matcher, "220 hello\r\n" + "x".repeat(100));

    assertThat(matcher.describe(12)).isEqualTo("111 bytes, starting \"220 hello\\r\\nx...\"");
    assertThat(new ExpectMatcher(null, LIMIT)).satisfies(m -> {
      add(m, "Go away");
      assertThat(m.describe(64)).isEqualTo("7 bytes: \"Go away\"");
    });
  }

  @Test
  void aBinaryBannerIsQuotedWithoutItsControlCharacters() {
    ExpectMatcher matcher = new ExpectMatcher(null, LIMIT);
    add(matcher, new byte[] {0x16, 0x03, 0x01, 'h', 'i', '\t'});

    assertThat(matcher.describe(64)).isEqualTo("6 bytes: \"\\x16\\x03\\x01hi\\t\"");
  }

  private static Verdict add(ExpectMatcher matcher, String text) {
    return add(matcher, text.getBytes(StandardCharsets.UTF_8));
  }

  private static Verdict add(ExpectMatcher matcher, byte[] bytes) {
    ByteBuf chunk = Unpooled.wrappedBuffer(bytes);
    try {
      matcher.add(chunk);
    } finally {
      chunk.release();
    }
    return matcher.decide();
  }
}
