package dev.greetprobe.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Reads a config file's text, refusing what is no config file before it can stall a reader: anything but a regular
 * file (a pipe would block the open until a writer comes), a file over {@link #MAX_BYTES}, and bytes that are not
 * UTF-8. Symbolic links are followed, as a mounted Kubernetes ConfigMap needs; a loop of them is named as such.
 */
public final class ConfigFile {

  /**
   * The largest config file read: room for a probe config of 20,000 targets, and little enough that parsing it
   * (linear in its size, see {@link ConfigDocument}) ends quickly whatever it holds.
   */
  public static final int MAX_BYTES = 8 * 1024 * 1024;

  /** As many symbolic links as Linux follows in one path before it gives up with ELOOP. */
  private static final int MAX_LINKS = 40;

  private ConfigFile() {
  }

  /** The text of {@code path}, or a {@link ConfigException} saying why it is not a config file. */
  public static String read(Path path) {
    String origin = "config file " + path;
    try {
      // The real path, opened without following links: a link swapped in after the checks cannot lead elsewhere.
      Path real = path.toRealPath();
      BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isDirectory()) {
        throw new ConfigException(origin + " is a directory, not a file");
      }
      if (!attributes.isRegularFile()) {
        throw new ConfigException(origin + " is not a regular file (a pipe, socket or device is no config)");
      }
      if (attributes.size() > MAX_BYTES) {
        throw tooLarge(origin, attributes.size());
      }
      try (SeekableByteChannel channel = Files.newByteChannel(real, StandardOpenOption.READ,
          LinkOption.NOFOLLOW_LINKS); InputStream in = Channels.newInputStream(channel)) {
        // One byte past the limit: a file that grew since its size was read is still caught.
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
          throw tooLarge(origin, Math.max(channel.size(), bytes.length));
        }
        return decode(bytes, origin);
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException("cannot read " + origin + ": no such file");
    } catch (AccessDeniedException e) {
      throw new ConfigException("cannot read " + origin + ": permission denied");
    } catch (NotDirectoryException e) {
      throw new ConfigException("cannot read " + origin + ": a part of its path is not a directory");
    } catch (FileSystemException e) {
      if (loops(path)) {
        throw new ConfigException("cannot read " + origin + ": its symbolic links form a loop");
      }
      throw new ConfigException(
          "cannot read " + origin + ": " + Objects.requireNonNullElse(e.getReason(), e.toString()));
    } catch (IOException e) {
      throw new ConfigException("cannot read " + origin + ": " + e.getMessage());
    }
  }

  /** {@code bytes} as UTF-8, refusing any byte that is not part of a character, by its offset and line. */
  public static String decode(byte[] bytes, String origin) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never takes fewer bytes than UTF-16 takes chars.
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int offset = in.position();
      int line = 1;
      for (int i = 0; i < offset; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new ConfigException(origin + " is not UTF-8: the byte at offset " + offset + " (line " + line
          + ") is not part of a character");
    }
    return out.flip().toString();
  }

  private static ConfigException tooLarge(String origin, long size) {
    return new ConfigException(origin + " is " + size + " bytes, over the limit of " + MAX_BYTES + " bytes ("
        + MAX_BYTES / (1024 * 1024) + " MiB)");
  }

  /** Whether resolving {@code path} takes more links than Linux follows: the links loop. */
  private static boolean loops(Path path) {
    Path absolute = path.toAbsolutePath();
    Deque<Path> rest = new ArrayDeque<>();
    absolute.forEach(rest::addLast);
    Path at = absolute.getRoot();
    int links = 0;
    while (!rest.isEmpty()) {
      String name = rest.removeFirst().toString();
      if (name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        at = at.getParent() == null ? at : at.getParent();
        continue;
      }
      Path next = at.resolve(name);
      if (!Files.isSymbolicLink(next)) {
        at = next;
        continue;
      }
      if (++links > MAX_LINKS) {
        return true;
      }
      Path target;
      try {
        target = Files.readSymbolicLink(next);
      } catch (IOException e) {
        return false;
      }
      List<Path> names = new ArrayList<>();
      target.forEach(names::add);
      for (int i = names.size() - 1; i >= 0; i--) {
        rest.addFirst(names.get(i));
      }
      if (target.isAbsolute()) {
        at = target.getRoot();
      }
    }
    return false;
  }
}
