package dev.greetprobe.greeter;

import java.net.InetSocketAddress;

/**
 * Decides, before any TLS or greeting work, whether a new connection may stay: its address must pass the access
 * policy and its rate limit, and the greeter must not hold more than its maximum of connections. Shared by every
 * event loop, so the limits hold for the process, not per loop.
 */
public final class AdmissionControl {

  private final AccessPolicy access;
  private final SourceRateLimiter rateLimiter;
  private final int maxConnections;

  public AdmissionControl(GreeterConfig.Access access, GreeterConfig.Limits limits) {
    this.access = new AccessPolicy(access);
    this.rateLimiter = limits.ratePerSource() > 0
        ? new SourceRateLimiter(limits.ratePerSource(), limits.burstPerSource(), limits.sourceTableSize())
        : null;
    this.maxConnections = limits.maxConnections();
  }

  /**
   * Null when {@code client} may stay, otherwise the reason to refuse it; {@code open} counts the greeter's open
   * connections, this one included.
   */
  public Rejection admit(InetSocketAddress client, int open) {
    if (!access.permits(client)) {
      return Rejection.ACL;
    }
    if (rateLimiter != null && !rateLimiter.tryAcquire(client.getAddress(), System.nanoTime())) {
      return Rejection.RATE_LIMIT;
    }
    if (maxConnections > 0 && open > maxConnections) {
      return Rejection.MAX_CONNECTIONS;
    }
    return null;
  }
}
