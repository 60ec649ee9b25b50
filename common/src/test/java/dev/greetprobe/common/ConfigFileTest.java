package dev.greetprobe.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is refused before a config file is parsed, and what still reads. */
class ConfigFileTest {

  /** Only catches a read that blocks: each of these ends at once. */
  private static final Duration HANG = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  /** The kubelet's layout: {@code config.yaml -> ..data/config.yaml}, {@code ..data -> ..<timestamp>}. */
  @Test
  void symbolicLinksAreFollowedAsAMountedConfigMapNeeds() throws Exception {
    Path version = Files.createDirectory(dir.resolve("..2026_01_05_10_00_00.000000001"));
    Files.writeString(version.resolve("config.yaml"), "port: 2345\n");
    Files.createSymbolicLink(dir.resolve("..data"), version.getFileName());
    Path config = Files.createSymbolicLink(dir.resolve("config.yaml"), Path.of("..data", "config.yaml"));

    assertThat(ConfigFile.read(config)).isEqualTo("port: 2345\n");
  }

  @Test
  void symbolicLinksThatLoopAreNamedAsALoop() throws Exception {
    Path config = Files.createSymbolicLink(dir.resolve("config.yaml"), Path.of("other.yaml"));
    Files.createSymbolicLink(dir.resolve("other.yaml"), Path.of("config.yaml"));

    assertThatThrownBy(() -> ConfigFile.read(config))
        .isInstanceOf(ConfigException.class)
        .hasMessage("cannot read config file " + config + ": its symbolic links form a loop");
  }

  @Test
  void aLoopInADirectoryOfThePathIsNamedAsALoopToo() throws Exception {
    Files.createSymbolicLink(dir.resolve("mount"), Path.of("mount"));
    Path config = dir.resolve("mount").resolve("config.yaml");

    assertThatThrownBy(() -> ConfigFile.read(config))
        .hasMessage("cannot read config file " + config + ": its symbolic links form a loop");
  }

  @Test
  void aDirectoryIsNoConfigFile() {
    assertThatThrownBy(() -> ConfigFile.read(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file " + dir + " is a directory, not a file");
  }

  /** Opening a pipe for reading waits for a writer, for ever if none comes: the pipe is refused unopened. */
  @Test
  void aPipeIsRefusedWithoutWaitingForAWriter() throws Exception {
    Path fifo = dir.resolve("config.yaml");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
    Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), fifo.getFileName());

    for (Path config : new Path[] {fifo, link}) {
      assertTimeoutPreemptively(HANG, () -> assertThatThrownBy(() -> ConfigFile.read(config))
          .isInstanceOf(ConfigException.class)
          .hasMessage("config file " + config + " is not a regular file (a pipe, socket or device is no config)"));
    }
  }

  /** A sparse file: its size is over the limit, though reading it would take no disk. */
  @Test
  void aFileOverTheLimitIsRefusedByItsSizeBeforeItIsRead() throws Exception {
    Path config = dir.resolve("config.yaml");
    try (RandomAccessFile file = new RandomAccessFile(config.toFile(), "rw")) {
      file.setLength(ConfigFile.MAX_BYTES + 1L);
    }

    assertThatThrownBy(() -> ConfigFile.read(config))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file " + config + " is 8388609 bytes, over the limit of 8388608 bytes (8 MiB)");
  }

  @Test
  void aFileAtTheLimitIsRead() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), "#" + "x".repeat(ConfigFile.MAX_BYTES - 2) + "\n");

    assertThat(ConfigFile.read(config)).hasSize(ConfigFile.MAX_BYTES);
  }

  @Test
  void aMissingFileIsNamed() {
    Path config = dir.resolve("missing.yaml");

    assertThatThrownBy(() -> ConfigFile.read(config))
        .hasMessage("cannot read config file " + config + ": no such file");
  }

  /** Invalid UTF-8 would otherwise become U+FFFD, a config unlike the one written. */
  @Test
  void bytesThatAreNotUtf8AreRefusedByTheirOffset() {
    byte[] truncated = {'a', ':', ' ', 'c', 'a', 'f', (byte) 0xc3};

    assertThatThrownBy(() -> ConfigFile.decode(truncated, "config file x.yaml"))
        .hasMessage("config file x.yaml is not UTF-8: the byte at offset 6 (line 1) is not part of a character");
    assertThat(ConfigFile.decode("a: caf\u00e9 \uD83D\uDE00".getBytes(java.nio.charset.StandardCharsets.UTF_8), "x"))
        .isEqualTo("a: caf\u00e9 \uD83D\uDE00");
  }
}
