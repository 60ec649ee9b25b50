package dev.greetprobe.probe.net;

import java.util.Locale;

/** How a probe ended: success, or exactly one reason for failing. */
public enum Result {
  SUCCESS,
  /** The name does not exist. */
  DNS_NXDOMAIN,
  /** No DNS answer before the query timeout or the deadline. */
  DNS_TIMEOUT,
  /** Any other DNS failure: SERVFAIL, no address of the wanted family. */
  DNS_ERROR,
  /** The port answered with a reset. */
  CONNECT_REFUSED,
  /** No answer to the connection attempt before the deadline. */
  CONNECT_TIMEOUT,
  /** Any other connection failure, such as no route to the host. */
  CONNECT_ERROR,
  /** The TLS handshake failed or did not finish before the deadline. */
  TLS_ERROR,
  /** The deadline ended a read the peer held open: nothing arrived, or nothing that {@code expect} matched yet. */
  READ_TIMEOUT,
  /** Text arrived, and the read ended without a match: the peer closed, or the read limit was reached. */
  BANNER_MISMATCH,
  /** The peer closed the connection before sending anything. */
  CLOSED_EARLY,
  /**
   * The probe's own code failed, not the target: a prober's future failed where it should have reported a result.
   * The detail carries the exception; a bug to report, whatever the target's state.
   */
  INTERNAL_ERROR;

  /** The {@code result} label value. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
