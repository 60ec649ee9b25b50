package dev.greetprobe.probe;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.EventLoopPool;
import dev.greetprobe.common.NativeEpoll;
import dev.greetprobe.common.Transport;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.config.Peers;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.ShardAssignment;
import dev.greetprobe.probe.config.TargetBudget;
import dev.greetprobe.probe.epoll.BareSockets;
import dev.greetprobe.probe.http.ProbeHttpServer;
import dev.greetprobe.probe.metrics.ProbeMetrics;
import dev.greetprobe.probe.net.Resolver;
import dev.greetprobe.probe.net.TcpProber;
import dev.greetprobe.probe.schedule.ConfigWatcher;
import dev.greetprobe.probe.schedule.PeerWatcher;
import dev.greetprobe.probe.schedule.ProbeScheduler;
import dev.greetprobe.probe.schedule.Reloader;
import dev.greetprobe.probe.schedule.TargetSchedule;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The probe as a whole: the HTTP endpoint, the schedules of this instance's targets, the reloads that change them, and,
 * with {@code shard.peers}, the live peers that share them.
 */
public final class ProbeService {

  private final ProbeConfig config;
  private final Resolver resolver;
  private final ProbeScheduler scheduler;
  private final Reloader reloader;
  private final Optional<ConfigWatcher> watcher;
  private final Optional<PeerWatcher> peers;
  private final ProbeHttpServer http;
  private final AtomicBoolean ready = new AtomicBoolean();

  /**
   * Validates {@code text}, read from {@code source}, and builds the service on it; throws {@link ConfigException}
   * when it is invalid, or names a transport this Vert.x cannot run. Build outside Vert.x threads.
   */
  public ProbeService(Vertx vertx, PrometheusMeterRegistry registry, ConfigSource source, String text) {
    this.config = validate(source, text, () -> NativeEpoll.refusal(vertx));
    this.resolver = new Resolver(config.dns());
    ProbeMetrics metrics = new ProbeMetrics(registry, config.histograms());
    metrics.transport(config.transport());
    this.scheduler = new ProbeScheduler(vertx, EventLoopPool.PER_CORE, config.transport() == Transport.EPOLL
        ? TcpProber.factory(resolver, BareSockets::connection) : TcpProber.factory(resolver), metrics,
        config.status().history());
    this.reloader = new Reloader(vertx, source, scheduler, metrics, config, text, budget(config));
    this.watcher = source.changes() ? Optional.of(new ConfigWatcher(vertx, reloader)) : Optional.empty();
    this.peers = config.shard() instanceof Peers fleet
        ? Optional.of(new PeerWatcher(vertx, resolver, fleet, reloader, metrics.membership()))
        : Optional.empty();
    this.http = new ProbeHttpServer(vertx, config.http(), config.probeEndpoint(), metrics.exposition(), registry,
        scheduler, reloader, () -> peers.map(PeerWatcher::status).orElse(null), ready::get);
  }

  /**
   * What this heap holds of {@code config}'s targets, each with its history, beside the pages of {@code /targets} and
   * the status page sent at once: what a start, a reload and {@code --check-config} apply.
   */
  static TargetBudget budget(ProbeConfig config) {
    int history = config.status().history();
    return TargetBudget.ofThisHeap().withHistory(TargetSchedule.bytesKept(history))
        .withRequests(ProbeHttpServer.bytesInFlight(history));
  }

  /**
   * The config of {@code text} as a start takes it, or the {@link ConfigException} a start refuses it with;
   * {@code epollRefusal} says why the probe's Vert.x cannot run transport epoll, or nothing when it can.
   */
  static ProbeConfig validate(ConfigSource source, String text, Supplier<Optional<String>> epollRefusal) {
    ProbeConfig config = source.parse(text);
    if (config.transport() == Transport.EPOLL) {
      // Refused rather than run on the NetClient: an operator who asks for epoll is measuring or relying on it.
      epollRefusal.get().ifPresent(refusal -> {
        throw new ConfigException(refusal);
      });
    }
    return config;
  }

  public Future<Void> start() {
    return http.start()
        .compose(v -> reloader.start())
        .compose(v -> peers.map(PeerWatcher::start).orElse(Future.succeededFuture()))
        .onSuccess(v -> {
          watcher.ifPresent(ConfigWatcher::start);
          ready.set(true);
        });
  }

  /** Reads the config again and applies it; the outcome is also logged and in the metrics. */
  Future<Reloader.Outcome> reload(String trigger) {
    return reloader.reload(trigger);
  }

  /** Stops probing; the HTTP endpoint stays up until Vert.x closes, answering "not ready". */
  public Future<Void> stop() {
    ready.set(false);
    watcher.ifPresent(ConfigWatcher::stop);
    peers.ifPresent(PeerWatcher::stop);
    return reloader.stop()
        .compose(v -> scheduler.stop())
        .onComplete(v -> resolver.close());
  }

  public int httpPort() {
    return http.actualPort();
  }

  /** The config the probe started with (http and dns stay so until a restart). */
  ProbeConfig config() {
    return config;
  }

  /** The targets this instance probes now. */
  ShardAssignment assignment() {
    return reloader.assignment();
  }

  ProbeScheduler scheduler() {
    return scheduler;
  }
}
