package dev.greetprobe.probe.config;

import dev.greetprobe.common.ConfigDocument;
import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Map;

/**
 * Where the probe's config comes from, read afresh on every reload, with the environment's overrides applied to each
 * read (the environment of a process does not change, so a reload cannot lose them).
 */
public interface ConfigSource {

  /** Names the source in errors and logs. */
  String origin();

  /** The config's text as it is now, read off the event loops; a failure's message says why it is no config. */
  Future<String> read(Vertx vertx);

  /** Whether the text can change while the probe runs, so that watching it makes sense. */
  boolean changes();

  /**
   * Which file the source is now, and when it was last written, as far as it knows; read off the event loops.
   *
   * @param identity the file the path leads to (after its symbolic links) and its inode: another when the file was
   *     replaced whole, by a rename or a ConfigMap's symlink swap, the same when it was rewritten in place; null for
   *     none
   * @param modified when the file was last written; null for none
   */
  record Stamp(String identity, Instant modified) {

    public static final Stamp NONE = new Stamp(null, null);
  }

  default Future<Stamp> stamp(Vertx vertx) {
    return Future.succeededFuture(Stamp.NONE);
  }

  Map<String, String> environment();

  /**
   * Validates {@code text} as the config the probe runs. Besides being valid, it must name its targets, if only as
   * {@code targets: []}: a file that lost them, or was read before they were written, would otherwise stop every probe.
   */
  default ProbeConfig parse(String text) {
    Object document = ConfigDocument.parse(text, origin());
    ProbeConfig config = ProbeConfig.from(document, environment());
    if (document instanceof Map<?, ?> map && map.get("targets") == null) {
      throw new ConfigException("targets", (map.containsKey("targets") ? "has no value" : "is required")
          + " (write targets: [] for a probe with no targets)");
    }
    return config;
  }

  /**
   * A file, opened by its path on every read: when Kubernetes swaps a mounted ConfigMap by pointing its
   * {@code ..data} symlink elsewhere, the next read sees the new content.
   */
  record File(Path path, Map<String, String> environment) implements ConfigSource {

    @Override
    public String origin() {
      return "config file " + path;
    }

    /** On a worker, unordered: a read that stalls on a slow disk must hold back no blocking task queued after it. */
    @Override
    public Future<String> read(Vertx vertx) {
      return vertx.executeBlocking(() -> ConfigFile.read(path), false);
    }

    @Override
    public boolean changes() {
      return true;
    }

    /** {@link Stamp#NONE} for a file that cannot be read: its read then says why. */
    @Override
    public Future<Stamp> stamp(Vertx vertx) {
      return vertx.executeBlocking(() -> {
        try {
          Path real = path.toRealPath();
          BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
          return new Stamp(real + "#" + attributes.fileKey(), attributes.lastModifiedTime().toInstant());
        } catch (IOException e) {
          return Stamp.NONE;
        }
      }, false);
    }
  }

  /** A text that never changes, such as the built-in config; a reload applies it again. */
  record Fixed(String text, String origin, Map<String, String> environment) implements ConfigSource {

    @Override
    public Future<String> read(Vertx vertx) {
      return Future.succeededFuture(text);
    }

    @Override
    public boolean changes() {
      return false;
    }
  }

  /** The config the jar carries, used when no {@code --config} is given. */
  static ConfigSource builtIn(Map<String, String> environment) throws IOException {
    try (InputStream in = ConfigSource.class.getResourceAsStream("/default-config.yaml")) {
      return new Fixed(new String(in.readAllBytes(), StandardCharsets.UTF_8), "the built-in config", environment);
    }
  }
}
