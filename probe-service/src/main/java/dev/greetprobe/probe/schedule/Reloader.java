package dev.greetprobe.probe.schedule;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.Durations;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.config.Membership;
import dev.greetprobe.probe.config.Ownership;
import dev.greetprobe.probe.config.Peers;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Shard;
import dev.greetprobe.probe.config.ShardAssignment;
import dev.greetprobe.probe.config.Sharding;
import dev.greetprobe.probe.config.Target;
import dev.greetprobe.probe.config.TargetBudget;
import dev.greetprobe.probe.config.TlsFile;
import dev.greetprobe.probe.metrics.ProbeMetrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a config takes effect, whoever asks (the file watcher, SIGHUP, {@code POST /-/reload}): read the
 * source, validate it, apply this shard's targets to the scheduler as a diff, then record the outcome in the metrics
 * and the log. Reloads queue up and run one at a time, each reading the source when its turn comes, so two applies
 * never overlap and the last to run applies the newest text. A refused config changes nothing but
 * {@code probe_config_last_reload_successful}.
 *
 * <p>Reading and validating run on workers and are given the running config's {@code reload.timeout}: a reload that
 * has not got that far by then is refused, and the queue moves on without it, so a stalled read holds back neither the
 * next reload, nor the watcher, nor a stop. Applying a validated config is never cut short: it would leave the
 * schedules half changed.
 *
 * <p>A config is applied whole or not at all: one whose targets are more than the heap holds ({@link TargetBudget}) is
 * refused before anything changes, and an apply that fails part way is undone by applying the targets before it again,
 * so the scheduler, {@code /targets} and {@code probe_targets} keep showing one and the same set.
 *
 * <p>With {@code shard.peers}, which targets this instance holds also depends on the live peers: a change of them
 * ({@link #peersChanged}) takes the same queue and is applied as the same diff, over the running config.
 */
public final class Reloader {

  private static final Logger log = LoggerFactory.getLogger(Reloader.class);

  /** What a reload did: applied a config, or refused it. */
  public sealed interface Outcome permits Applied, Refused {
  }

  /**
   * @param diff how this shard's targets changed
   * @param assignment this shard's part of the new config
   * @param restartRequired sections that changed but take effect only after a restart ({@code transport}, {@code shard},
   *     {@code http}, {@code probe_endpoint}, {@code dns}, {@code metrics.histograms}, {@code status.history})
   * @param sha256 the hash of the text applied, to tell which version of a file each instance runs
   */
  public record Applied(ProbeScheduler.Diff diff, ShardAssignment assignment, List<String> restartRequired,
      String sha256) implements Outcome {
  }

  /** @param reason what is wrong, naming the key, as in {@code target 'db': address: port 70000 is outside 1..65535} */
  public record Refused(String reason) implements Outcome {
  }

  /**
   * The last config to take effect or be refused, and when: the status page's word on the config. At start, the config
   * the probe started with.
   */
  public record LastReload(Instant at, Outcome outcome) {

    public boolean successful() {
      return outcome instanceof Applied;
    }
  }

  /**
   * A text read and, when it was worth it, validated: {@code config} when valid, {@code refusal} when not, neither
   * when it was not validated.
   *
   * @param fingerprint the hash of the text, or why there is none
   */
  private record Candidate(String fingerprint, ProbeConfig config, String refusal) {

    static Candidate refused(String fingerprint, String refusal) {
      return new Candidate(fingerprint, null, refusal);
    }

    boolean validated() {
      return config != null || refusal != null;
    }
  }

  private final Vertx vertx;
  private final ConfigSource source;
  private final ProbeScheduler scheduler;
  private final ProbeMetrics metrics;
  private final TargetBudget budget;
  private volatile ProbeConfig running;
  private volatile ShardAssignment assignment;
  /** The live peers, this instance among them; none until the first lookup, and always none with a fixed shard. */
  private volatile List<String> peers = List.of();
  /** The hash of the text last read, applied or refused, or why it could not be read: the watcher compares it. */
  private volatile String lastRead;
  private volatile LastReload lastReload;
  private Future<?> queue = Future.succeededFuture();
  private boolean stopped;
  /** The reading and validating under way, which {@link #stop} ends at once. */
  private Promise<Candidate> preparing;

  /**
   * {@code config} is {@code text}, the source's text as the probe started with it; throws {@link ConfigException} if
   * its targets are more than {@code budget} holds, as is every config a reload reads.
   */
  public Reloader(Vertx vertx, ConfigSource source, ProbeScheduler scheduler, ProbeMetrics metrics, ProbeConfig config,
      String text, TargetBudget budget) {
    this.budget = budget;
    this.vertx = vertx;
    this.source = source;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.running = config;
    this.assignment = ShardAssignment.of(ownership(config), config.targets());
    budget.check(assignment);
    this.lastRead = sha256(text) + tlsFiles(config);
  }

  /** Schedules the targets of the config the probe started with. */
  public Future<Void> start() {
    return enqueue(() -> schedule(assignment)
        .onSuccess(diff -> {
          Instant now = Instant.now();
          metrics.configLoaded(assignment, now);
          lastReload = new LastReload(now, new Applied(diff, assignment, List.of(), lastRead));
        })
        .mapEmpty());
  }

  /** Reads the source and applies it, even when its text has not changed; {@code trigger} names who asked. */
  public Future<Outcome> reload(String trigger) {
    return enqueue(() -> prepare(fingerprint -> true).compose(candidate -> conclude(candidate, trigger)));
  }

  /** What one of the watcher's checks saw: the text's fingerprint, and which file it was. */
  record Check(String fingerprint, String identity) {
  }

  /**
   * The watcher's check: reloads if the source's text differs from the text last read, and either the file was
   * replaced whole since the check before ({@code previous}, what this returned then: a rename or a ConfigMap's symlink
   * swap, never seen half-written) or it was rewritten in place and has settled: read the same as at the check before,
   * and unwritten for {@code reload.settle}. A writer that pauses in the middle of an in-place rewrite for less than
   * that is thus never applied half-written.
   */
  Future<Check> reloadIfSettled(Check previous) {
    return enqueue(() -> source.stamp(vertx).compose(stamp -> {
      boolean replaced = previous != null && stamp.identity() != null && previous.identity() != null
          && !stamp.identity().equals(previous.identity());
      boolean quiet = stamp.modified() == null
          || !Instant.now().isBefore(stamp.modified().plus(running.reload().settle()));
      String before = previous == null ? null : previous.fingerprint();
      return prepare(fingerprint -> !fingerprint.equals(lastRead)
          && (replaced || (fingerprint.equals(before) && quiet)))
          .compose(candidate -> (candidate.validated() ? conclude(candidate, "file changed").mapEmpty()
              : Future.<Void>succeededFuture()).map(new Check(candidate.fingerprint(), stamp.identity())));
    }));
  }

  /**
   * The live peers are now {@code next}: this instance's targets are applied again, as a diff, so that the targets it
   * keeps keep their schedules, series and history, and the ones it gains start at their offsets, within an interval.
   * If applying fails part way, the targets before it are applied again and the peers before it kept.
   */
  public Future<ProbeScheduler.Diff> peersChanged(List<String> next) {
    return enqueue(() -> {
      List<String> before = peers;
      ShardAssignment previous = assignment;
      peers = List.copyOf(next);
      ShardAssignment nextAssignment = ShardAssignment.of(ownership(running), running.targets());
      return schedule(nextAssignment)
          .onSuccess(diff -> {
            assignment = nextAssignment;
            metrics.assigned(nextAssignment);
            log.info("peers changed to {}: {} added, {} removed, {} unchanged; {}", next, diff.added().size(),
                diff.removed().size(), diff.unchanged(), describe(nextAssignment));
          })
          .recover(failure -> {
            peers = before;
            log.error("applying the peers {} failed part way ({}); restoring the targets before it", next,
                failure.toString());
            return schedule(previous).transform(restored -> Future.failedFuture(failure));
          });
    });
  }

  /**
   * Refuses new reloads, ends the reading or validating under way, and lets an apply under way finish, so that no
   * reload restarts the schedules of a stopping probe and none keeps it from stopping.
   */
  public synchronized Future<Void> stop() {
    stopped = true;
    if (preparing != null) {
      preparing.tryComplete(Candidate.refused("stopped", "the probe is stopping"));
    }
    return queue.transform(done -> Future.succeededFuture());
  }

  /** The config in effect: the last one applied, with the http and dns settings the probe started with. */
  public ProbeConfig running() {
    return running;
  }

  public ShardAssignment assignment() {
    return assignment;
  }

  /** Null until the targets the probe started with are scheduled. */
  public LastReload lastReload() {
    return lastReload;
  }

  private synchronized <T> Future<T> enqueue(Supplier<Future<T>> step) {
    if (stopped) {
      return Future.failedFuture("the probe is stopping");
    }
    Future<T> next = queue.transform(previous -> step.get());
    queue = next;
    return next;
  }

  /**
   * Reads the source and, if {@code wanted} says so of its fingerprint, validates it, within {@code reload.timeout}:
   * what is unfinished by then is abandoned (it ends on its worker, unused) and the candidate is refused.
   */
  private Future<Candidate> prepare(Predicate<String> wanted) {
    Duration readLimit = running.reload().timeout();
    Promise<Candidate> prepared = Promise.promise();
    synchronized (this) {
      preparing = prepared;
    }
    long timer = vertx.setTimer(readLimit.toMillis(), fired -> prepared.tryComplete(Candidate.refused("unfinished",
        "reading and validating " + source.origin() + " took longer than " + Durations.format(readLimit)
            + ", so it was abandoned")));
    ProbeConfig current = running;
    // On a worker: the fingerprint reads the TLS files the running targets name.
    source.read(vertx).transform(read -> vertx.executeBlocking(() -> fingerprint(read, current), false)
        .compose(fingerprint -> candidate(read, fingerprint, wanted))).onComplete(done -> {
      vertx.cancelTimer(timer);
      prepared.tryComplete(done.result());
    });
    return prepared.future().onComplete(done -> {
      synchronized (this) {
        preparing = null;
      }
    });
  }

  /** The candidate of a read whose fingerprint is {@code fingerprint}: validated if {@code wanted} says so of it. */
  private Future<Candidate> candidate(AsyncResult<String> read, String fingerprint, Predicate<String> wanted) {
    if (!wanted.test(fingerprint)) {
      return Future.succeededFuture(new Candidate(fingerprint, null, null));
    }
    if (read.failed()) {
      return Future.succeededFuture(Candidate.refused(fingerprint, read.cause().getMessage()));
    }
    // A worker thread, unordered: validating reads on disk the files a config names (ca_file).
    return vertx.executeBlocking(() -> source.parse(read.result()), false)
        .transform(parsed -> Future.succeededFuture(parsed.succeeded()
            ? new Candidate(fingerprint, parsed.result(), null)
            : Candidate.refused(fingerprint, reason(parsed.cause()))));
  }

  private Future<Outcome> conclude(Candidate candidate, String trigger) {
    return decide(candidate, trigger).onSuccess(outcome -> lastReload = new LastReload(Instant.now(), outcome));
  }

  private Future<Outcome> decide(Candidate candidate, String trigger) {
    synchronized (this) {
      if (stopped) {
        return Future.failedFuture("the probe is stopping");
      }
    }
    lastRead = candidate.fingerprint();
    if (candidate.refusal() != null) {
      return Future.succeededFuture(refuse(candidate.refusal(), trigger));
    }
    ProbeConfig next = effective(candidate.config());
    try {
      budget.check(ShardAssignment.of(ownership(next), next.targets()));
    } catch (ConfigException e) {
      return Future.succeededFuture(refuse(e.getMessage(), trigger));
    }
    return apply(candidate.config(), next, textHash(candidate.fingerprint()), trigger)
        .recover(failure -> restore(failure, trigger));
  }

  /** After an apply that failed part way: the targets before it, applied again, so that no half of it stays. */
  private Future<Outcome> restore(Throwable failure, String trigger) {
    log.error("{}: applying failed part way ({}); restoring the targets before it", source.origin(),
        failure.toString());
    return schedule(assignment).transform(restored -> Future.succeededFuture(refuse("applying failed part way ("
        + failure.getMessage() + "); " + (restored.succeeded() ? "the targets before it were restored"
            : "restoring the targets before it failed too (" + restored.cause().getMessage() + ")"), trigger)));
  }

  /**
   * What of {@code next} takes effect now: the HTTP server, the resolver and the verticles keep the settings they were
   * built with, and so does the running config, so that every reload until the restart says a restart is still
   * needed. So does the way of sharding, but for a fixed shard's count and index and the peers' replicas.
   */
  private ProbeConfig effective(ProbeConfig next) {
    return new ProbeConfig(running.transport(), running.http(), running.probeEndpoint(), running.dns(),
        next.reload(), liveSharding(next), next.targets(), running.histograms(), running.status());
  }

  private Sharding liveSharding(ProbeConfig next) {
    if (running.shard() instanceof Peers now && next.shard() instanceof Peers wanted) {
      return new Peers(now.name(), now.self(), now.refresh(), wanted.replicas());
    }
    return running.shard() instanceof Shard && next.shard() instanceof Shard ? next.shard() : running.shard();
  }

  /** Which targets this instance holds under {@code config}: its fixed shard, or its rank among the live peers. */
  private Ownership ownership(ProbeConfig config) {
    if (config.shard() instanceof Peers own) {
      return new Membership(peers, own.self(), own.replicas());
    }
    return (Shard) config.shard();
  }

  private Future<Outcome> apply(ProbeConfig next, ProbeConfig effective, String sha256, String trigger) {
    List<String> restartRequired = new ArrayList<>();
    if (!next.http().equals(running.http())) {
      restartRequired.add("http");
    }
    if (!next.dns().equals(running.dns())) {
      restartRequired.add("dns");
    }
    if (!next.probeEndpoint().equals(running.probeEndpoint())) {
      restartRequired.add("probe_endpoint");
    }
    if (next.transport() != running.transport()) {
      restartRequired.add("transport");
    }
    if (next.histograms() != running.histograms()) {
      restartRequired.add("metrics.histograms");
    }
    if (!next.status().equals(running.status())) {
      restartRequired.add("status.history");
    }
    if (!effective.shard().equals(next.shard())) {
      restartRequired.add("shard");
    }
    ShardAssignment nextAssignment = ShardAssignment.of(ownership(effective), effective.targets());
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

  /** On a worker: registering the series of thousands of new targets takes too long for a loop. */
  private Future<ProbeScheduler.Diff> schedule(ShardAssignment next) {
    return vertx.executeBlocking(() -> scheduler.apply(next.held())).compose(applied -> applied);
  }

  private Outcome refuse(String reason, String trigger) {
    metrics.configRefused();
    log.error("{} refused ({}), still probing with the config loaded before: {}", source.origin(), trigger, reason);
    return new Refused(reason);
  }

  /** How many targets this instance probes, and of which shard or among which peers, for a log line. */
  public static String describe(ShardAssignment assignment) {
    if (assignment.ownership() instanceof Membership membership) {
      return membership.peers().contains(membership.self())
          ? "peer " + membership.self() + " (of " + membership.peers().size() + " peers, replicas " + membership.replicas()
              + ") probes " + assignment.held().size() + " of " + assignment.total() + " targets"
          : "peer " + membership.self() + " probes none of " + assignment.total() + " targets until it has its peers";
    }
    Shard shard = (Shard) assignment.ownership();
    if (shard.count() == 1) {
      return "probing all " + assignment.total() + " targets";
    }
    return "shard " + shard.index() + " (of shards 0.." + (shard.count() - 1) + ") probes " + assignment.held().size() + " of "
        + assignment.total() + " targets";
  }

  /**
   * What a check compares: the text's hash, and, when the running targets name TLS files, a hash of those files as they
   * are now, so that a rotated certificate or CA reloads the config as a changed text does. Blocks: off the loops.
   */
  private static String fingerprint(AsyncResult<String> read, ProbeConfig running) {
    return read.succeeded() ? sha256(read.result()) + tlsFiles(running) : "unreadable: " + read.cause().getMessage();
  }

  /** The hash of the text in a {@link #fingerprint}, which a reload reports. */
  private static String textHash(String fingerprint) {
    int end = fingerprint.indexOf(' ');
    return end < 0 ? fingerprint : fingerprint.substring(0, end);
  }

  /**
   * " tls " and the hash of the TLS files the running targets name, each read once as it is now, or nothing when they
   * name none.
   */
  private static String tlsFiles(ProbeConfig running) {
    Set<Path> paths = new TreeSet<>();
    for (Target target : running.targets()) {
      if (target.tls() != null) {
        Stream.of(target.tls().caFile(), target.tls().certFile(), target.tls().keyFile())
            .filter(Objects::nonNull).forEach(file -> paths.add(file.path()));
      }
    }
    if (paths.isEmpty()) {
      return "";
    }
    StringBuilder files = new StringBuilder();
    paths.forEach(path -> files.append(path).append('\0').append(contentNow(path)).append('\0'));
    return " tls " + sha256(files.toString());
  }

  private static String contentNow(Path path) {
    try {
      return TlsFile.read(path).content();
    } catch (IllegalArgumentException unreadable) {
      return "unreadable";
    }
  }

  private static String reason(Throwable failure) {
    return failure instanceof ConfigException ? failure.getMessage() : failure.toString();
  }

  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
