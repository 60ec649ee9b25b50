package dev.greetprobe.greeter.admission;

import dev.greetprobe.greeter.config.GreeterConfig;
import dev.greetprobe.greeter.metrics.GreeterMetrics;
import dev.greetprobe.greeter.metrics.Rejection;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, before any TLS or greeting work, whether a new connection may stay: its address must pass the access
 * policy and its rate limit, and the greeter must not hold more than its maximum of connections. A refused
 * connection is counted and logged with its reason; an admitted one is logged when {@code log_connections} is on.
 * Shared by every event loop, so the limits hold for the process, not per loop.
 */
public final class AdmissionControl {

  private static final Logger log = LoggerFactory.getLogger(AdmissionControl.class);

  private final AccessPolicy access;
  private final AccessPolicy trustedProxies;
  private final SourceRateLimiter rateLimiter;
  private final int maxConnections;
  private final OpenConnections connections;
  private final GreeterMetrics metrics;
  private final boolean logConnections;

  public AdmissionControl(GreeterConfig.Admission config, OpenConnections connections, GreeterMetrics metrics) {
    GreeterConfig.Limits limits = config.limits();
    this.access = new AccessPolicy(config.access());
    this.trustedProxies = new AccessPolicy(new GreeterConfig.Access(config.access().trustedProxies(), List.of()));
    this.rateLimiter = limits.ratePerSource() > 0
        ? new SourceRateLimiter(limits.ratePerSource(), limits.burstPerSource(), limits.sourceTableSize())
        : null;
    this.maxConnections = limits.maxConnections();
    this.connections = connections;
    this.metrics = metrics;
    this.logConnections = config.logConnections();
  }

  /** Whether {@code client} may stay; the caller closes the connection when not. */
  public boolean admit(InetSocketAddress client) {
    Rejection refused = refusal(client);
    if (refused != null) {
      metrics.rejected(refused, client, "closed before greeting");
      return false;
    }
    if (logConnections) {
      log.info("Got connection from {}", NetUtil.toSocketAddressString(client));
    }
    return true;
  }

  /**
   * Whether a connection whose PROXY header is still to come may wait for it: it must come from a trusted proxy, and
   * it counts against {@code max_connections} while it waits. The caller closes the connection when not.
   */
  public boolean admitProxy(InetSocketAddress proxy) {
    Rejection refused = !trustedProxies.permits(proxy) ? Rejection.UNTRUSTED_PROXY
        : maxConnections > 0 && connections.count() > maxConnections ? Rejection.MAX_CONNECTIONS : null;
    if (refused != null) {
      metrics.rejected(refused, proxy, "closed before its PROXY header");
      return false;
    }
    return true;
  }

  /** Null when {@code client} may stay, otherwise the reason to refuse it. */
  private Rejection refusal(InetSocketAddress client) {
    if (!access.permits(client)) {
      return Rejection.ACL;
    }
    if (rateLimiter != null && !rateLimiter.tryAcquire(client.getAddress(), System.nanoTime())) {
      return Rejection.RATE_LIMIT;
    }
    // Counted only when limited: the count, this connection included when it is open, sums across loops.
    if (maxConnections > 0 && connections.count() > maxConnections) {
      return Rejection.MAX_CONNECTIONS;
    }
    return null;
  }
}
