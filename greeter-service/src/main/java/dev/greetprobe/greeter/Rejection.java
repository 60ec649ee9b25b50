package dev.greetprobe.greeter;

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
  /** The PROXY protocol header was malformed. */
  PROXY_PROTOCOL,
  /** The client did not send its PROXY header, or finish its TLS handshake, in time. */
  TIMEOUT;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
