package dev.greetprobe.probe.net;

import io.netty.handler.ssl.NotSslRecordException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * What a server said instead of a TLS handshake, as an operator reads it. Netty's refusal carries the bytes as hex;
 * this turns them back into the text that a plain-text service, a greeter without TLS say, sent.
 */
final class PlainTextAnswer {

  private static final String PREFIX = "not an SSL/TLS record: ";

  private PlainTextAnswer() {
  }

  static String describe(NotSslRecordException refusal) {
    String message = String.valueOf(refusal.getMessage());
    if (!message.startsWith(PREFIX)) {
      return message;
    }
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(message.substring(PREFIX.length()).strip());
    } catch (IllegalArgumentException e) {
      return message;
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    int max = ProbeResult.DETAIL_EXCERPT_CHARS;
    String shown = text.length() <= max ? text
        : text.substring(0, Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max) + "...";
    return "the server answered in plain text, not TLS: " + Printable.quoted(shown);
  }
}
