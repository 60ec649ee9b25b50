package dev.greetprobe.probe;

import static dev.greetprobe.testkit.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.common.Instrumentation;
import dev.greetprobe.common.Transport;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.dns.TestDnsServer;
import dev.greetprobe.probe.net.Result;
import dev.greetprobe.testkit.Ports;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A thousand targets, every way a probe can fail among them, probed every second for a minute: each is classified
 * as it should be on every probe, and the timers, sockets and heap the probe uses stay level; over each transport.
 */
@Tag("reliability")
@ParameterizedClass(name = "transport {0}")
@EnumSource(Transport.class)
class ProbeReliabilityIT {

  @Parameter
  Transport transport;

  private static final int TARGETS = 1_000;
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final String GREETING = "Thank You for Connecting";

  /** How far descriptors and timers may move between samples: the probes in flight at that instant differ. */
  private static final int IN_FLIGHT_SLACK = 500;
  private static final long HEAP_SLACK_BYTES = 16L << 20;
  private static final Duration WARM_UP_AT_MOST = Duration.ofSeconds(40);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Vertx vertx;
  /**
   * The targets run on event loops of their own, as on other machines: sharing a loop, a turn spent on the TLS
   * server's handshakes was a turn the probes, or the greeter's listener, waited for. The greeter has its own too.
   */
  private Vertx targets;
  private Vertx greeterLoops;
  private PrometheusMeterRegistry registry;
  private TestDnsServer dns;
  /** Stopped after the test too (a second stop does nothing), so that a failed test's lookups end on live loops. */
  private ProbeService service;
  /** Each kind of target by the address and options that provoke it, and the result it must get. */
  private final Map<Result, String> kinds = new LinkedHashMap<>();

  @BeforeEach
  void startTheServersThatMisbehave() throws Exception {
    registry = Instrumentation.registry();
    vertx = Instrumentation.vertx(registry, true);
    targets = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    greeterLoops = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(2));
    dns = TestDnsServer.start()
        .answer("greeter.test", "127.0.0.1")
        .silent("silent.test")
        .servfail("broken.test");
    int greeter = TestGreeter.start(greeterLoops, 2, new SimpleMeterRegistry());
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    int untrustedTls = onALoopOfItsOwn(() -> TestServers.listen(targets, new NetServerOptions().setSsl(true)
        .setKeyCertOptions(certificate.keyCertOptions()), socket -> socket.end(Buffer.buffer(GREETING))));
    int slow = onALoopOfItsOwn(() -> TestServers.delayed(targets, GREETING, Duration.ofSeconds(5)));
    int wrong = onALoopOfItsOwn(() -> TestServers.delayed(targets, "Go away", Duration.ZERO));
    int closing = onALoopOfItsOwn(() -> TestServers.closing(targets));
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    int blackholed = fullListener();

    String expect = "expect: '^" + GREETING + "$'";
    kinds.put(Result.SUCCESS, "address: 'greeter.test:" + greeter + "', " + expect);
    kinds.put(Result.DNS_NXDOMAIN, "address: 'missing.test:80'");
    kinds.put(Result.DNS_TIMEOUT, "address: 'silent.test:80'");
    kinds.put(Result.DNS_ERROR, "address: 'broken.test:80'");
    kinds.put(Result.CONNECT_REFUSED, "address: '127.0.0.1:" + closed + "'");
    kinds.put(Result.CONNECT_TIMEOUT, "address: '127.0.0.1:" + blackholed + "'");
    kinds.put(Result.TLS_ERROR, "address: '127.0.0.1:" + untrustedTls + "', tls: true, server_name: localhost, " + expect);
    kinds.put(Result.READ_TIMEOUT, "address: '127.0.0.1:" + slow + "', " + expect);
    kinds.put(Result.BANNER_MISMATCH, "address: '127.0.0.1:" + wrong + "', " + expect);
    kinds.put(Result.CLOSED_EARLY, "address: '127.0.0.1:" + closing + "', " + expect);
  }

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      join(service.stop());
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    join(vertx.close());
    join(targets.close());
    join(greeterLoops.close());
    dns.close();
  }

  @Test
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void aThousandTargetsOfEveryKindForAMinuteAreEachClassifiedAndLeakNothing() throws Exception {
    long timersBefore = pendingTimers();
    long fdsBefore = openFileDescriptors();
    service = start();

    await("the first round of probes").atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(targetsWithResults()).isEqualTo(TARGETS));
    // While the JIT compiles the probe's path, on two cores shared with every server of the test, the event loops fall
    // behind and some probes overrun their 500 ms: the first seconds end as timeouts. The run is measured once a
    // few seconds pass with every probe classified as its kind.
    AtomicReference<Map<String, Double>> seen = new AtomicReference<>(misclassified());
    quietFor("warm-up: five seconds without a misclassified probe", seen);
    // The collection stops every thread for a moment, and no running service makes one: the run starts after it.
    long heapEarly = heapAfterGc();
    quietFor("five more seconds without a misclassified probe, after a full collection", seen);
    Map<String, Double> warmUp = seen.get();
    Map<String, Double> skippedInWarmUp = skipped();
    long started = System.nanoTime();
    long fdsEarly = openFileDescriptors();
    long timersEarly = pendingTimers();
    Duration rest = RUN.minus(Duration.ofNanos(System.nanoTime() - started));
    await("every probe classified, descriptors and timers level").during(rest).atMost(rest.plusSeconds(5))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> {
          assertThat(since(warmUp, misclassified())).as("results other than each target's kind").isEmpty();
          assertThat(openFileDescriptors()).as("open descriptors, %d early in the run", fdsEarly)
              .isLessThanOrEqualTo(fdsEarly + IN_FLIGHT_SLACK);
          assertThat(pendingTimers()).as("pending Vert.x timers (probe deadlines), %d early in the run", timersEarly)
              .isLessThanOrEqualTo(timersEarly + IN_FLIGHT_SLACK);
          assertThat(service.scheduler().waitingSchedules()).as("schedules waiting for a run").isEqualTo(TARGETS);
        });

    assertThat(heapAfterGc()).as("heap after a full GC, %d MiB early in the run", heapEarly >> 20)
        .isLessThanOrEqualTo(heapEarly + HEAP_SLACK_BYTES);
    assertThat(fewestProbes()).as("probes of the least probed target in %s at a 1 s interval", RUN)
        .isGreaterThanOrEqualTo(RUN.toSeconds() - 5);
    assertThat(since(skippedInWarmUp, skipped())).as("probes skipped because the previous one still ran").isEmpty();

    join(service.stop());
    assertThat(service.scheduler().waitingSchedules()).as("schedules waiting once stopped").isZero();
    // The slow server still holds connections it answers after 5 s: they are the test's, and their descriptors close
    // with them.
    await("timers and descriptors back where they were").atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(pendingTimers()).isLessThanOrEqualTo(timersBefore);
      assertThat(openFileDescriptors()).isLessThanOrEqualTo(fdsBefore + 16);
    });
  }

  /**
   * Starts a server from a context of its own, whose event loop then serves all its connections: servers started from
   * the test's thread would share one loop, and the TLS server's first handshakes, before the JIT, kept it busy.
   */
  private int onALoopOfItsOwn(Callable<NetServer> listen) throws Exception {
    ContextInternal context = ((VertxInternal) targets).createEventLoopContext();
    return join(context.executeBlocking(() -> listen.call().actualPort()));
  }

  /** Waits until five seconds pass with no probe misclassified; {@code seen} holds what was, up to now. */
  private void quietFor(String alias, AtomicReference<Map<String, Double>> seen) {
    await(alias).atMost(WARM_UP_AT_MOST).pollInterval(Duration.ofMillis(500)).during(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(since(seen.getAndSet(misclassified()), seen.get()))
            .as("probes misclassified in the last half second").isEmpty());
  }

  private ProbeService start() throws Exception {
    StringBuilder config = new StringBuilder("""
        transport: %s
        http: {host: 127.0.0.1, port: %d}
        dns: {servers: ['%s']}
        defaults: {interval: 1s, timeout: 500ms}
        targets:
        """.formatted(transport.label(), Ports.free(), dns.address()));
    List<Map.Entry<Result, String>> kindList = List.copyOf(kinds.entrySet());
    for (int i = 0; i < TARGETS; i++) {
      Map.Entry<Result, String> kind = kindList.get(i % kindList.size());
      config.append("  - {name: '").append(name(kind.getKey(), i)).append("', ").append(kind.getValue()).append("}\n");
    }
    ProbeService started = new ProbeService(vertx, registry,
        new ConfigSource.Fixed(config.toString(), "reliability config", Map.of()), config.toString());
    join(started.start());
    return started;
  }

  /** The name says what the target must get: {@code connect_timeout-0005}. */
  private static String name(Result expected, int index) {
    return "%s-%04d".formatted(expected.label(), index);
  }

  private static Result expected(String target) {
    return Result.valueOf(target.substring(0, target.indexOf('-')).toUpperCase(java.util.Locale.ROOT));
  }

  /** What {@code now} counts beyond {@code before}. */
  private static Map<String, Double> since(Map<String, Double> before, Map<String, Double> now) {
    Map<String, Double> more = new TreeMap<>();
    now.forEach((key, count) -> {
      if (count > before.getOrDefault(key, 0.0)) {
        more.put(key, count - before.getOrDefault(key, 0.0));
      }
    });
    return more;
  }

  /** Target and result of every probe that ended otherwise than its target's kind says, with how many. */
  private Map<String, Double> misclassified() {
    Map<String, Double> wrong = new TreeMap<>();
    for (MetricValues.Series c : MetricValues.series(registry, "probe_results")) {
      String target = c.label("target");
      String result = c.label("result");
      if (c.value() > 0 && !result.equals(expected(target).label())) {
        wrong.put(target + " " + result, c.value());
      }
    }
    return wrong;
  }

  private long targetsWithResults() {
    return MetricValues.series(registry, "probe_results").stream().filter(c -> c.value() > 0)
        .map(c -> c.label("target")).distinct().count();
  }

  private double fewestProbes() {
    return MetricValues.series(registry, "probe_results").stream()
        .filter(c -> c.label("result").equals(expected(c.label("target")).label()))
        .mapToDouble(MetricValues.Series::value).min().orElse(0);
  }

  private Map<String, Double> skipped() {
    Map<String, Double> skipped = new TreeMap<>();
    for (MetricValues.Series c : MetricValues.series(registry, "probe_skipped")) {
      if (c.value() > 0) {
        skipped.put(c.label("target"), c.value());
      }
    }
    return skipped;
  }

  /**
   * A listener that never accepts and whose queue is full: the kernel drops further SYNs, which is how a blackholed
   * address looks to a client, without a route this machine may not have.
   */
  private int fullListener() throws IOException {
    ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    resources.add(full);
    for (int i = 0; i < 2; i++) {
      Socket filler = new Socket();
      filler.connect(new InetSocketAddress(full.getInetAddress(), full.getLocalPort()), 1_000);
      resources.add(filler);
    }
    return full.getLocalPort();
  }

  /**
   * Vert.x keeps every timer set with {@code setTimer} or {@code setPeriodic} (a probe's deadline, among others) in
   * one map until it fires or is cancelled; Vert.x exposes no count of it, so the test reads the map.
   */
  private long pendingTimers() throws ReflectiveOperationException {
    for (Class<?> type = vertx.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field timeouts = type.getDeclaredField("timeouts");
        timeouts.setAccessible(true);
        return ((Map<?, ?>) timeouts.get(vertx)).size();
      } catch (NoSuchFieldException notHere) {
        // look in the superclass
      }
    }
    throw new NoSuchFieldException("timeouts in " + vertx.getClass());
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /**
   * One full collection: it stops every thread, the event loops too, so the timeouts leave half the interval for it
   * (or a probe still running at its next turn would be skipped).
   */
  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
