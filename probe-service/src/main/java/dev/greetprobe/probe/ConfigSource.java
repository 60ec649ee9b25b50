package dev.greetprobe.probe;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the probe's config comes from, read afresh on every reload, with the environment's overrides applied to each
 * read (the environment of a process does not change, so a reload cannot lose them).
 */
public sealed interface ConfigSource {

  /** Names the source in errors and logs. */
  String origin();

  /** The config's text as it is now. */
  Future<String> read(Vertx vertx);

  /** Whether the text can change while the probe runs, so that watching it makes sense. */
  boolean changes();

  Map<String, String> environment();

  default ProbeConfig parse(String text) {
    return ProbeConfig.parse(text, origin(), environment());
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

    @Override
    public Future<String> read(Vertx vertx) {
      return vertx.fileSystem().readFile(path.toString())
          .map(Buffer::toString)
          .recover(e -> Future.failedFuture("cannot read " + origin() + ": " + reason(e)));
    }

    @Override
    public boolean changes() {
      return true;
    }

    private static String reason(Throwable failure) {
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        if (cause instanceof NoSuchFileException) {
          return "no such file";
        }
        if (cause instanceof AccessDeniedException) {
          return "permission denied";
        }
      }
      return failure.getMessage();
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
