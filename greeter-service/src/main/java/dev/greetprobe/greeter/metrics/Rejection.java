package dev.greetprobe.greeter.metrics;

import java.util.Locale;

/** Why a connection was closed without a greeting: the {@code reason} label of the rejection counter. */
public enum Rejection {
  /** The client's address is denied, or not allowed. */
  ACL,
  /** The client's address opened connections faster than its rate. */
  RATE_LIMIT,
  /** The greeter already holds its maximum of connections. */
  MAX_CONNECTIONS,
  /** The TLS handshake failed: not TLS, an untrusted or expired client certificate, no common protocol. */
  TLS_HANDSHAKE,
  /** The PROXY protocol header was malformed, or longer than a header needs to be. */
  PROXY_PROTOCOL,
  /** A PROXY protocol connection came from outside {@code proxy_protocol.trusted}: its header could name anyone. */
  UNTRUSTED_PROXY,
  /** The client did not send its PROXY header, or finish its TLS handshake, in time. */
  TIMEOUT,
  /** The client did not read its greeting within {@code limits.write_timeout}. */
  WRITE_TIMEOUT,
  /**
   * The client closed before its PROXY header or the end of its TLS handshake, as a load balancer's TCP health check
   * does: not a refusal of ours, and not alerted on.
   */
  CLIENT_CLOSED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
