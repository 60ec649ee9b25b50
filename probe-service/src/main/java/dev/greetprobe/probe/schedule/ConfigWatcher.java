package dev.greetprobe.probe.schedule;

import io.vertx.core.Timer;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * Reads the config file every {@code reload.interval} and reloads when its content changed: at once when the file was
 * replaced whole (a rename, or Kubernetes pointing a mounted ConfigMap's {@code ..data} symlink at a new directory),
 * and once it has settled when it was rewritten in place ({@link Reloader#reloadIfSettled}), so that a file caught in
 * the middle of a write is not applied half-written. Content and the file's identity, not inode events: a symlink
 * swap leaves the file's own path, and any watch on it, untouched.
 */
public final class ConfigWatcher {

  private final Vertx vertx;
  private final Reloader reloader;
  private volatile boolean stopped;
  private volatile Timer timer;
  /** What the last check saw. */
  private volatile Reloader.Check previous;

  public ConfigWatcher(Vertx vertx, Reloader reloader) {
    this.vertx = vertx;
    this.reloader = reloader;
  }

  public void start() {
    next();
  }

  public void stop() {
    stopped = true;
    Timer pending = timer;
    if (pending != null) {
      pending.cancel();
    }
  }

  /** One check after another, never two at once; the interval is read each time, so a reload can change it. */
  private void next() {
    if (stopped) {
      return;
    }
    timer = vertx.timer(reloader.running().reload().interval().toMillis(), TimeUnit.MILLISECONDS);
    timer.compose(fired -> reloader.reloadIfSettled(previous)).onComplete(checked -> {
      if (checked.succeeded()) {
        previous = checked.result();
      }
      next();
    });
  }
}
