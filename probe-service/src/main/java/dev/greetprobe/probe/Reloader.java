package dev.greetprobe.probe;

import dev.greetprobe.common.ConfigException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a config takes effect, whoever asks (the file watcher, SIGHUP, {@code POST /-/reload}): read the
 * source, validate it, apply this shard's targets to the scheduler as a diff, then record the outcome in the metrics
 * and the log. Reloads queue up and run one at a time, each reading the source when its turn comes, so two applies
 * never overlap and the last to run applies the newest text. A refused config changes nothing but
 * {@code probe_config_last_reload_successful}.
 */
final class Reloader {

  private static final Logger log = LoggerFactory.getLogger(Reloader.class);

  /** What a reload did: applied a config, or refused it. */
  sealed interface Outcome permits Applied, Refused {
  }

  /**
   * @param diff how this shard's targets changed
   * @param assignment this shard's part of the new config
   * @param restartRequired sections that changed but take effect only after a restart ({@code transport},
   *     {@code http}, {@code dns})
   * @param sha256 the hash of the text applied, to tell which version of a file each instance runs
   */
  record Applied(ProbeScheduler.Diff diff, ShardAssignment assignment, List<String> restartRequired, String sha256)
      implements Outcome {
  }

  /** @param reason what is wrong, naming the key, as in {@code target 'db': address: port 70000 is outside 1..65535} */
  record Refused(String reason) implements Outcome {
  }

  private final Vertx vertx;
  private final ConfigSource source;
  private final ProbeScheduler scheduler;
  private final ProbeMetrics metrics;
  private volatile ProbeConfig running;
  private volatile ShardAssignment assignment;
  /** The hash of the text last read, applied or refused, or why it could not be read: the watcher compares it. */
  private volatile String lastRead;
  private Future<?> queue = Future.succeededFuture();
  private boolean stopped;

  /** {@code config} is {@code text}, the source's text as the probe started with it. */
  Reloader(Vertx vertx, ConfigSource source, ProbeScheduler scheduler, ProbeMetrics metrics, ProbeConfig config,
      String text) {
    this.vertx = vertx;
    this.source = source;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.running = config;
    this.assignment = ShardAssignment.of(config.shard(), config.targets());
    this.lastRead = sha256(text);
  }

  /** Schedules the targets of the config the probe started with. */
  Future<Void> start() {
    return enqueue(() -> schedule(assignment)
        .onSuccess(diff -> metrics.configLoaded(assignment, Instant.now()))
        .mapEmpty());
  }

  /** Reads the source and applies it, even when its text has not changed; {@code trigger} names who asked. */
  Future<Outcome> reload(String trigger) {
    return enqueue(() -> source.read(vertx).transform(read -> load(read, fingerprint(read), trigger)));
  }

  /** Reloads if the source's text differs from the text last read: the watcher's check. */
  Future<Void> reloadIfChanged() {
    return enqueue(() -> source.read(vertx).transform(read -> {
      String fingerprint = fingerprint(read);
      return fingerprint.equals(lastRead) ? Future.succeededFuture() : load(read, fingerprint, "file changed").mapEmpty();
    }));
  }

  /** Lets a reload under way finish and refuses new ones, so that none restarts the schedules of a stopping probe. */
  synchronized Future<Void> stop() {
    stopped = true;
    return queue.transform(done -> Future.succeededFuture());
  }

  /** The config in effect: the last one applied, with the http and dns settings the probe started with. */
  ProbeConfig running() {
    return running;
  }

  ShardAssignment assignment() {
    return assignment;
  }

  private synchronized <T> Future<T> enqueue(Supplier<Future<T>> step) {
    if (stopped) {
      return Future.failedFuture("the probe is stopping");
    }
    Future<T> next = queue.transform(previous -> step.get());
    queue = next;
    return next;
  }

  private Future<Outcome> load(AsyncResult<String> read, String fingerprint, String trigger) {
    lastRead = fingerprint;
    if (read.failed()) {
      return Future.succeededFuture(refuse(read.cause().getMessage(), trigger));
    }
    // A worker thread: validating checks on disk the files a config names (ca_file).
    return vertx.executeBlocking(() -> source.parse(read.result()))
        .transform(parsed -> parsed.succeeded()
            ? apply(parsed.result(), fingerprint, trigger)
            : Future.succeededFuture(refuse(reason(parsed.cause()), trigger)));
  }

  private Future<Outcome> apply(ProbeConfig next, String sha256, String trigger) {
    List<String> restartRequired = new ArrayList<>();
    if (!next.http().equals(running.http())) {
      restartRequired.add("http");
    }
    if (!next.dns().equals(running.dns())) {
      restartRequired.add("dns");
    }
    if (next.transport() != running.transport()) {
      restartRequired.add("transport");
    }
    if (next.histograms() != running.histograms()) {
      restartRequired.add("metrics.histograms");
    }
    // The HTTP server, the resolver and the verticles keep the settings they were built with, and so does the running
    // config, so that every reload until the restart says a restart is still needed.
    ProbeConfig effective = new ProbeConfig(running.transport(), running.http(), running.dns(), next.reload(),
        next.shard(), next.targets(), running.histograms());
    ShardAssignment nextAssignment = ShardAssignment.of(effective.shard(), effective.targets());
    return schedule(nextAssignment).map(diff -> {
      running = effective;
      assignment = nextAssignment;
      metrics.configLoaded(nextAssignment, Instant.now());
      log.info("{} reloaded ({}, sha256 {}): {} added, {} changed, {} removed, {} unchanged; {}", source.origin(),
          trigger, sha256.substring(0, 12), diff.added().size(), diff.changed().size(), diff.removed().size(),
          diff.unchanged(), describe(nextAssignment));
      if (!restartRequired.isEmpty()) {
        log.warn("{}: {} changed, which takes effect only after a restart", source.origin(),
            String.join(" and ", restartRequired));
      }
      return new Applied(diff, nextAssignment, List.copyOf(restartRequired), sha256);
    });
  }

  /** On a worker: registering the series of a thousand new targets takes a tenth of a second, too long for a loop. */
  private Future<ProbeScheduler.Diff> schedule(ShardAssignment next) {
    return vertx.executeBlocking(() -> scheduler.apply(next.held())).compose(applied -> applied);
  }

  private Outcome refuse(String reason, String trigger) {
    metrics.configRefused();
    log.error("{} refused ({}), still probing with the config loaded before: {}", source.origin(), trigger, reason);
    return new Refused(reason);
  }

  /** How many targets this instance probes, and of which shard, for a log line. */
  static String describe(ShardAssignment assignment) {
    Shard shard = assignment.shard();
    if (shard.count() == 1) {
      return "probing all " + assignment.total() + " targets";
    }
    return "shard " + shard.index() + " (of shards 0.." + (shard.count() - 1) + ") probes " + assignment.held().size() + " of "
        + assignment.total() + " targets";
  }

  private static String fingerprint(AsyncResult<String> read) {
    return read.succeeded() ? sha256(read.result()) : "unreadable: " + read.cause().getMessage();
  }

  private static String reason(Throwable failure) {
    return failure instanceof ConfigException ? failure.getMessage() : failure.toString();
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
