package dev.greetprobe.greeter;

import io.netty.util.NetUtil;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides, before any TLS or greeting work, whether a new connection may stay: its address must pass the access
 * policy and its rate limit, and the greeter must hold fewer than its maximum of connections. Shared by every
 * greeting verticle, so the limits hold for the process, not per event loop.
 */
public final class AdmissionControl {

  private final AccessPolicy access;
  private final SourceRateLimiter rateLimiter;
  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();

  public AdmissionControl(GreeterConfig.Access access, GreeterConfig.Limits limits) {
    this.access = new AccessPolicy(access);
    this.rateLimiter = limits.ratePerSource() > 0
        ? new SourceRateLimiter(limits.ratePerSource(), limits.burstPerSource(), limits.sourceTableSize())
        : null;
    this.maxConnections = limits.maxConnections();
  }

  /**
   * Null when the connection is admitted (then {@link #release()} must follow when it closes, if
   * {@link #countsConnections()}), otherwise the reason to refuse it.
   */
  public Rejection admit(SocketAddress remote) {
    if (!access.allowsEveryone() || rateLimiter != null) {
      InetAddress address = NetUtil.createInetAddressFromIpAddressString(remote.hostAddress());
      if (address != null) {
        if (!access.permits(new InetSocketAddress(address, remote.port()))) {
          return Rejection.ACL;
        }
        if (rateLimiter != null && !rateLimiter.tryAcquire(address, System.nanoTime())) {
          return Rejection.RATE_LIMIT;
        }
      }
    }
    if (maxConnections > 0 && open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      return Rejection.MAX_CONNECTIONS;
    }
    return null;
  }

  public boolean countsConnections() {
    return maxConnections > 0;
  }

  public void release() {
    open.decrementAndGet();
  }
}
