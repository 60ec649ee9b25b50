package dev.greetprobe.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A volume's folder on this machine, laid out as the kubelet lays it out. A ConfigMap's or Secret's files live in a
 * dated folder reached through the {@code ..data} link, and each key's name links into {@code ..data}; an update
 * writes a new dated folder and swaps the link in one rename, so a reader sees the old files or the new, never a
 * mixture. An emptyDir is a folder writable by all.
 */
final class VolumeFiles {

  private static final DateTimeFormatter DATED = DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss.n");
  private static final String DATA = "..data";
  private static final int EMPTY_DIR_MODE = 0777;
  private static final int FOLDER_MODE = 0755;

  private VolumeFiles() {
  }

  /** Writes {@code files} (path in the volume to content) and swaps them in, owned by {@code group} if given. */
  static void project(Path volume, Map<String, byte[]> files, int mode, OptionalInt group) {
    try {
      Files.createDirectories(volume);
      chmod(volume, FOLDER_MODE);
      Path dated = volume.resolve(DATED.format(LocalDateTime.now()));
      Files.createDirectory(dated);
      chmod(dated, FOLDER_MODE);
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        Path path = dated.resolve(file.getKey());
        Files.createDirectories(path.getParent());
        Files.write(path, file.getValue());
        chmod(path, mode);
        if (group.isPresent()) {
          Files.setAttribute(path, "unix:gid", group.getAsInt());
        }
      }
      Path next = volume.resolve(DATA + "_tmp");
      Files.deleteIfExists(next);
      Files.createSymbolicLink(next, dated.getFileName());
      Path previous = Files.isSymbolicLink(volume.resolve(DATA)) ? Files.readSymbolicLink(volume.resolve(DATA)) : null;
      Files.move(next, volume.resolve(DATA), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      for (String key : files.keySet()) {
        String top = Path.of(key).getName(0).toString();
        Path link = volume.resolve(top);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of(DATA, top));
        }
      }
      if (previous != null) {
        deleteTree(volume.resolve(previous));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing the volume " + volume + ": " + e.getMessage(), e);
    }
  }

  /** An empty folder that every user may write, owned by {@code group} if given. */
  static void emptyDir(Path volume, OptionalInt group) {
    try {
      Files.createDirectories(volume);
      chmod(volume, EMPTY_DIR_MODE);
      if (group.isPresent()) {
        Files.setAttribute(volume, "unix:gid", group.getAsInt());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("making the volume " + volume + ": " + e.getMessage(), e);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static void chmod(Path path, int mode) throws IOException {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values();
    for (int bit = 0; bit < bits.length; bit++) {
      if ((mode & (0400 >> bit)) != 0) {
        permissions.add(bits[bit]);
      }
    }
    Files.setPosixFilePermissions(path, permissions);
  }
}
