package dev.greetprobe.probe.net;

import dev.greetprobe.probe.config.Phase;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What one probe found.
 *
 * @param result success or the reason for failing
 * @param detail what happened, for people (the exception's words, the bytes received)
 * @param phases how long each phase that ran took; a phase that failed is timed to its failure
 * @param duration the whole probe
 * @param address the address connected to, or null when resolution failed
 * @param received the start of the text read from the peer, at most {@link #RECEIVED_EXCERPT_CHARS}; null when the
 *     probe did not read
 * @param certExpiry the earliest expiry of the peer's certificates, or null without TLS
 * @param finishedAt when the probe ended
 */
public record ProbeResult(
    Result result,
    String detail,
    Map<Phase, Duration> phases,
    Duration duration,
    InetAddress address,
    String received,
    Instant certExpiry,
    Instant finishedAt) {

  /**
   * How much of the received text a result keeps. Every target keeps its last result for {@code /targets}, so a
   * probe reading up to 64 KiB would otherwise hold that much per target; a banner's first line or two is what a
   * person reads.
   */
  public static final int RECEIVED_EXCERPT_CHARS = 1024;

  /** How much of the received text a failure's detail quotes: it is logged and shown on one line. */
  public static final int DETAIL_EXCERPT_CHARS = 64;

  /** A probe that ended in {@code cause}, an exception of the probe's own, after {@code duration}. */
  public static ProbeResult internalError(Throwable cause, Duration duration) {
    return new ProbeResult(Result.INTERNAL_ERROR, "the probe failed in its own code: " + cause, Map.of(), duration,
        null, null, null, Instant.now());
  }

  public boolean success() {
    return result == Result.SUCCESS;
  }

  /** 4 or 6, as blackbox_exporter's {@code probe_ip_protocol}; 0 when nothing was resolved. */
  public int ipProtocol() {
    if (address == null) {
      return 0;
    }
    return address instanceof Inet6Address ? 6 : 4;
  }
}
