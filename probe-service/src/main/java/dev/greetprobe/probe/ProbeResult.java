package dev.greetprobe.probe;

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
 * @param received the text read from the peer, or null when nothing was read
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
