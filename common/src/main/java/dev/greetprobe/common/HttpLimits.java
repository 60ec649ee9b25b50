package dev.greetprobe.common;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;

/**
 * What one client may hold of a service's HTTP port ({@code http.max_connections}, {@code http.header_timeout},
 * {@code http.idle_timeout}), read from the {@code http} section of either service's config.
 *
 * @param maxConnections connections open at once; one past them is closed as soon as it is accepted
 * @param headerTimeout how long a new connection may take to send its first request's headers; a client that
 *     trickles them (slowloris) is closed at this deadline however often it sends. A kept-alive connection has the idle
 *     timeout and this one more, from the end of its last answer, for its next request's headers
 * @param idleTimeout how long a connection may go without a byte either way before it is closed
 */
public record HttpLimits(int maxConnections, Duration headerTimeout, Duration idleTimeout) {

  public static final HttpLimits DEFAULT = new HttpLimits(256, Duration.ofSeconds(10), Duration.ofSeconds(90));

  /**
   * The share of the process's file limit HTTP connections may take at most: the rest stays for what the service is
   * for (the probe's sockets, the greeter's clients) and its files.
   */
  static final int FILE_LIMIT_SHARE = 8;

  /** Reads the limits from {@code http}, leaving its other keys to the caller. */
  public static HttpLimits read(ConfigReader http) {
    int max = http.integer("max_connections", DEFAULT.maxConnections(), 1, 1_000_000);
    Duration header = http.duration("header_timeout", DEFAULT.headerTimeout());
    if (header.isZero()) {
      throw http.error("header_timeout", "must be above 0");
    }
    Duration idle = http.duration("idle_timeout", DEFAULT.idleTimeout());
    if (idle.toSeconds() < 1) {
      throw http.error("idle_timeout", Durations.format(idle) + " is below the minimum of 1s");
    }
    return new HttpLimits(max, header, idle);
  }

  /**
   * {@link #maxConnections}, but never more than a {@link #FILE_LIMIT_SHARE}th of {@code fileLimit}, so HTTP clients
   * cannot take the descriptors the service's own sockets need.
   */
  public int connectionsWithin(long fileLimit) {
    return (int) Math.max(1, Math.min(maxConnections, fileLimit / FILE_LIMIT_SHARE));
  }

  /** The process's limit of open files, or {@link Long#MAX_VALUE} where the JVM cannot tell. */
  public static long fileLimit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount() : Long.MAX_VALUE;
  }
}
