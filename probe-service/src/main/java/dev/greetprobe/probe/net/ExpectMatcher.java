package dev.greetprobe.probe.net;

import dev.greetprobe.probe.config.Expect;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What one probe's peer has sent, up to the read limit, and whether {@code expect} matches it.
 *
 * <p>The bytes are decoded as UTF-8 once, as they arrive. A match is looked for in the whole text, since an
 * expression may span chunks, so each scan costs the text's length; scans are rationed so that a probe's matching
 * work stays bounded whatever the sizes of the chunks. A probe may scan {@link #SCAN_ALLOWANCE} characters freely,
 * and earns {@link #SCANS_EARNED_PER_CHARACTER} more for each character received: a banner that comes in a few
 * chunks is scanned as each arrives, while a peer that trickles bytes gets a scan each time its text has about
 * doubled. Whatever is left unscanned is scanned once more when the read ends (the peer closed, the read limit, the
 * deadline), so no match is missed. In all, a probe scans at most {@link #maxScanned} characters, about three times
 * the read limit.
 */
final class ExpectMatcher {

  /** What the text so far says. */
  enum Verdict {
    MATCHED,
    /** No match yet, and more may come. */
    OPEN,
    /** The read limit is reached without a match. */
    NO_MATCH
  }

  /** Enough for every scan of a banner of a few kilobytes that arrives in a handful of chunks. */
  static final int SCAN_ALLOWANCE = 16 * 1024;
  /** Above one, so the allowance refills as text comes; at two, rationed scans come when the text has doubled. */
  static final int SCANS_EARNED_PER_CHARACTER = 2;

  private final Expect expect;
  private final int limit;
  private final StringBuilder text = new StringBuilder();
  /** Made with the first byte beyond ASCII: most banners have none, and most probes of a plain connect read nothing. */
  private CharsetDecoder decoder;
  /** The start of a character split between two chunks, waiting for its other bytes. */
  private ByteBuffer split;
  private int bytes;
  private long scanned;
  private int scannedLength;
  private boolean matched;

  /** {@code expect} null: any byte will do. */
  ExpectMatcher(Expect expect, int limit) {
    this.expect = expect;
    this.limit = limit;
  }

  /** The most characters a probe reading up to {@code limit} bytes scans: the rationed scans, then a last one. */
  static int maxScanned(int limit) {
    return SCAN_ALLOWANCE + (SCANS_EARNED_PER_CHARACTER + 1) * limit;
  }

  /** Keeps what {@code chunk} holds up to the read limit, dropping the rest; does not scan. */
  void add(ByteBuf chunk) {
    int kept = Math.min(chunk.readableBytes(), limit - bytes);
    if (kept <= 0) {
      return;
    }
    bytes += kept;
    if (split == null && appendedAsAscii(chunk, kept)) {
      return;
    }
    if (decoder == null) {
      decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }
    ByteBuffer in = chunk.nioBuffer(chunk.readerIndex(), kept);
    if (split != null) {
      in = ByteBuffer.allocate(split.remaining() + kept).put(split).put(in).flip();
      split = null;
    }
    // UTF-8 never decodes to more characters than it has bytes, replacements included.
    CharBuffer out = CharBuffer.allocate(in.remaining());
    decoder.decode(in, out, false);
    text.append(out.flip());
    if (in.hasRemaining()) {
      split = ByteBuffer.allocate(in.remaining()).put(in).flip();
    }
  }

  /**
   * Appends the first {@code length} readable bytes of {@code chunk} as the characters they are when all of them are
   * ASCII, as a banner's usually are, without a decoder; otherwise appends nothing.
   */
  private boolean appendedAsAscii(ByteBuf chunk, int length) {
    int before = text.length();
    for (int i = chunk.readerIndex(), end = i + length; i < end; i++) {
      byte b = chunk.getByte(i);
      if (b < 0) {
        text.setLength(before);
        return false;
      }
      text.append((char) b);
    }
    return true;
  }

  /** Bytes received, up to the limit. */
  int size() {
    return bytes;
  }

  /** Decides on the text so far: scans it if the probe has earned the scan, or if the read limit is reached. */
  Verdict decide() {
    if (matched || bytes == 0) {
      return matched ? Verdict.MATCHED : Verdict.OPEN;
    }
    if (bytes >= limit) {
      return last() ? Verdict.MATCHED : Verdict.NO_MATCH;
    }
    if (scanned + text.length() <= SCAN_ALLOWANCE + (long) SCANS_EARNED_PER_CHARACTER * text.length()) {
      scan();
    }
    return matched ? Verdict.MATCHED : Verdict.OPEN;
  }

  /** The last word, once nothing more will be read: scans whatever is still unscanned. */
  boolean last() {
    if (split != null) {
      CharBuffer out = CharBuffer.allocate(split.remaining() + 1);
      decoder.decode(split, out, true);
      decoder.flush(out);
      text.append(out.flip());
      split = null;
    }
    if (!matched && bytes > 0) {
      scan();
    }
    return matched;
  }

  private void scan() {
    if (text.length() == scannedLength) {
      return;
    }
    scanned += text.length();
    scannedLength = text.length();
    matched = expect == null || expect.foundIn(text);
  }

  /** Characters scanned so far, in all scans. */
  long scanned() {
    return scanned;
  }

  /** The first {@code max} characters of the text, not splitting a surrogate pair. */
  String excerpt(int max) {
    if (text.length() <= max) {
      return text.toString();
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end);
  }

  /** How much came and how it began, for a failure's detail: {@code 32768 bytes, starting "xxxx..."}. */
  String describe(int maxCharacters) {
    String shown = excerpt(maxCharacters);
    String count = bytes + (bytes == 1 ? " byte" : " bytes");
    return shown.length() < text.length()
        ? count + ", starting " + Printable.quoted(shown + "...")
        : count + ": " + Printable.quoted(shown);
  }
}
