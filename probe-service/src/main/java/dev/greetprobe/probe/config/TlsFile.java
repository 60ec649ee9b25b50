package dev.greetprobe.probe.config;

import dev.greetprobe.common.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PEM file a target names ({@code ca_file}, {@code cert_file}, {@code key_file}) with its content as the config's
 * load read it. The content is part of the target: a rotated file makes a reload see the target as changed and its
 * probes use the new file, as the greeter's own certificate is reloaded when its files change.
 *
 * @param path the file as the config names it
 * @param content its bytes, one character each (ISO-8859-1), so that two reads compare equal exactly when the bytes do
 */
public record TlsFile(Path path, String content) {

  /** Larger than any certificate bundle: a file past it is not PEM this probe could use. */
  static final int MAX_BYTES = 1 << 20;

  /** Reads {@code path}; throws {@link IllegalArgumentException} with a reason fit for a config error. */
  public static TlsFile read(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new IllegalArgumentException(ConfigException.quote(path.toString()) + " is larger than " + (MAX_BYTES >> 20) + " MiB");
      }
      return new TlsFile(path, new String(bytes, StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      throw new IllegalArgumentException(ConfigException.quote(path.toString()) + " is not a readable file");
    }
  }

  /** The file's bytes, as read. */
  public byte[] bytes() {
    return content.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The path alone: the content is a key's or a certificate's, and never printed. */
  @Override
  public String toString() {
    return path.toString();
  }
}
