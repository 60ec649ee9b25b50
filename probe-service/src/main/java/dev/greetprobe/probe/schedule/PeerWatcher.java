package dev.greetprobe.probe.schedule;

import dev.greetprobe.probe.config.Peers;
import dev.greetprobe.probe.metrics.MembershipMetrics;
import dev.greetprobe.probe.net.Resolver;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns the live peers from DNS: every {@code shard.refresh} it looks up {@code shard.peers} through the probe's own
 * resolver, on a context of its own, and hands a changed list to the {@link Reloader}, which applies it as a diff.
 *
 * <p>This instance is always one of its peers: it is listed only once it is ready, and from then on a refresh away,
 * so before that it already probes its share as if it were listed. Until the others see it, they probe that share too:
 * a joining peer doubles some probes for a refresh, and never leaves a target unprobed.
 *
 * <p>A lookup that fails, or lists no peer, keeps the peers before it, and is counted and shown: one bad answer never
 * makes this instance take every target, or drop them all. At start there are no peers before: a lookup that finds
 * none is followed by one query whose answer must say the name has no address (NXDOMAIN, or no records: a Service
 * without ready pods) for this instance to start as the only peer, as the first pod of a fleet does; otherwise (a
 * timeout, SERVFAIL) it is tried again every refresh, the start waiting.
 */
public final class PeerWatcher {

  private static final Logger log = LoggerFactory.getLogger(PeerWatcher.class);

  /**
   * The peers as this instance sees them, for the status page and {@code /targets}.
   *
   * @param peers the live peers, sorted, this instance among them; empty before the first answer
   * @param refreshed when a lookup last gave the peers, or null before the first
   * @param attempted when the last lookup ended
   * @param error why the last lookup kept the peers before it, or null when it gave them
   */
  public record Status(List<String> peers, Instant refreshed, Instant attempted, String error) {
  }

  private final Vertx vertx;
  private final Resolver resolver;
  private final Peers config;
  private final Reloader reloader;
  private final MembershipMetrics metrics;
  private volatile Status status = new Status(List.of(), null, null, null);
  private Context context;
  private long timer = -1;
  private boolean looking;
  private boolean stopped;

  public PeerWatcher(Vertx vertx, Resolver resolver, Peers config, Reloader reloader, MembershipMetrics metrics) {
    this.vertx = vertx;
    this.resolver = resolver;
    this.config = config;
    this.reloader = reloader;
    this.metrics = metrics;
  }

  /** Completes once the first answer has been applied, then refreshes every {@code shard.refresh}. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    Promise<Void> first = Promise.promise();
    context.runOnContext(v -> firstLookup(first));
    return first.future();
  }

  public void stop() {
    if (context == null) {
      return;
    }
    context.runOnContext(v -> {
      stopped = true;
      vertx.cancelTimer(timer);
    });
  }

  public Status status() {
    return status;
  }

  private void firstLookup(Promise<Void> first) {
    if (stopped) {
      first.tryFail("the probe is stopping");
      return;
    }
    lookup().onComplete(answer -> {
      List<String> listed = listed(answer);
      if (!listed.isEmpty()) {
        started(adopt(listed, Instant.now()), first);
        return;
      }
      resolver.answersNoAddress(context, config.name(), config.refresh()).onComplete(none -> {
        if (none.succeeded() && none.result()) {
          started(adopt(List.of(config.self()), Instant.now()), first);
        } else {
          kept(answer, Instant.now());
          timer = vertx.setTimer(config.refresh().toMillis(), id -> firstLookup(first));
        }
      });
    });
  }

  /** Once the first peers are applied: completes the start, and refreshes every {@code shard.refresh} from then on. */
  private void started(Future<Void> applied, Promise<Void> first) {
    applied.onComplete(done -> {
      context.runOnContext(v -> {
        if (!stopped) {
          timer = vertx.setPeriodic(config.refresh().toMillis(), id -> refresh());
        }
      });
      first.handle(done);
    });
  }

  private void refresh() {
    if (looking || stopped) {
      return;
    }
    looking = true;
    lookup().onComplete(answer -> {
      looking = false;
      Instant at = Instant.now();
      List<String> listed = listed(answer);
      if (listed.isEmpty()) {
        kept(answer, at);
      } else {
        adopt(listed, at);
      }
    });
  }

  private Future<List<InetAddress>> lookup() {
    return resolver.resolveAll(context, config.name(), config.refresh());
  }

  /** The peers an answer lists, this instance added; empty when it failed or listed none. */
  private List<String> listed(AsyncResult<List<InetAddress>> answer) {
    if (answer.failed() || answer.result().isEmpty()) {
      return List.of();
    }
    TreeSet<String> peers = new TreeSet<>();
    answer.result().forEach(address -> peers.add(address.getHostAddress()));
    peers.add(config.self());
    return List.copyOf(peers);
  }

  private Future<Void> adopt(List<String> peers, Instant at) {
    List<String> before = status.peers();
    status = new Status(peers, at, at, null);
    metrics.refreshed(peers.size(), at);
    if (peers.equals(before)) {
      return Future.succeededFuture();
    }
    metrics.changed();
    // A list that failed to apply is forgotten, so that the next refresh that gives it applies it again.
    return reloader.peersChanged(peers).onFailure(failure -> context.runOnContext(v -> {
      Status now = status;
      status = new Status(before, now.refreshed(), now.attempted(), "applying the peers failed: " + failure);
    })).mapEmpty();
  }

  private void kept(AsyncResult<List<InetAddress>> answer, Instant at) {
    String error = answer.failed()
        ? Resolver.classify(answer.cause()).label() + ": " + answer.cause().getMessage()
        : "the answer listed no peers";
    Status before = status;
    status = new Status(before.peers(), before.refreshed(), at, error);
    metrics.refreshFailed();
    if (!Objects.equals(error, before.error())) {
      log.warn("looking up the peers {} failed ({}); keeping the peers before it, {}", config.name(), error,
          before.peers());
    }
  }
}
