package dev.greetprobe.probe;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** The probe as a whole: the HTTP endpoint, then the schedules of the configured targets. */
public final class ProbeService {

  /**
   * The probe runs on NIO, not epoll: with Netty's epoll transport (4.2.9, under Vert.x 5.0.7) a greeting that
   * arrives together with the connect's completion reaches the socket's handler only about 200 ms later, which would
   * show as a 200 ms first_byte on every greeter probe. NIO delivers it at once.
   */
  public static final boolean NATIVE_TRANSPORT = false;

  private final Vertx vertx;
  private final ProbeConfig config;
  private final Resolver resolver;
  private final NetClient client;
  private final ProbeMetrics metrics;
  private final ProbeScheduler scheduler;
  private final ProbeHttpServer http;
  private final AtomicBoolean ready = new AtomicBoolean();

  /** Build outside Vert.x threads (see {@link ProbeScheduler}). */
  public ProbeService(Vertx vertx, ProbeConfig config, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.resolver = new Resolver(config.dns());
    this.client = vertx.createNetClient(new NetClientOptions());
    Prober prober = new TcpProber(vertx, client, resolver);
    this.metrics = new ProbeMetrics(registry);
    this.scheduler = new ProbeScheduler(vertx, prober, metrics);
    this.http = new ProbeHttpServer(vertx, config.http(), registry, scheduler, prober, ready::get);
  }

  public Future<Void> start() {
    return http.start()
        .compose(v -> scheduler.apply(config.targets()))
        .onSuccess(diff -> {
          metrics.configLoaded(config.targets().size(), Instant.now());
          ready.set(true);
        })
        .mapEmpty();
  }

  /** Stops probing; the HTTP endpoint stays up until Vert.x closes, answering "not ready". */
  public Future<Void> stop() {
    ready.set(false);
    return scheduler.stop()
        .compose(v -> client.close())
        .onComplete(v -> resolver.close());
  }

  public boolean isReady() {
    return ready.get();
  }

  public int httpPort() {
    return http.actualPort();
  }

  ProbeScheduler scheduler() {
    return scheduler;
  }
}
