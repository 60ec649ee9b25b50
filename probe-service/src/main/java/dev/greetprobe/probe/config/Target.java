package dev.greetprobe.probe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * One thing to probe.
 *
 * @param name unique, used as the {@code target} label
 * @param address where to connect
 * @param expect a regular expression, RE2 syntax, the received text must match; null to not read
 * @param send text written after connecting; null to write nothing
 * @param tls TLS settings; null for plain TCP
 * @param ipProtocol the address family to resolve and connect over
 * @param interval time between the starts of two probes
 * @param timeout the deadline of one whole probe, every phase included
 * @param labels the target's own labels, on each of its series
 */
public record Target(
    String name,
    HostPort address,
    Expect expect,
    String send,
    Tls tls,
    IpProtocol ipProtocol,
    Duration interval,
    Duration timeout,
    TargetLabels labels) {

  /** Without labels: a one-off probe's target, or a config target that sets none. */
  public Target(String name, HostPort address, Expect expect, String send, Tls tls, IpProtocol ipProtocol,
      Duration interval, Duration timeout) {
    this(name, address, expect, send, tls, ipProtocol, interval, timeout, TargetLabels.NONE);
  }

  /**
   * @param serverName SNI and the name the certificate must match
   * @param caFile PEM certificates to trust instead of the JVM's; null for the JVM's
   * @param insecureSkipVerify accept any certificate (the handshake is still timed)
   * @param certFile PEM client certificate presented to servers that ask for one (mTLS); null for none
   * @param keyFile PEM private key of the client certificate; null for none
   */
  public record Tls(String serverName, TlsFile caFile, boolean insecureSkipVerify, TlsFile certFile,
      TlsFile keyFile) {

    /** Without a client certificate. */
    public Tls(String serverName, TlsFile caFile, boolean insecureSkipVerify) {
      this(serverName, caFile, insecureSkipVerify, null, null);
    }
  }

  /** Whether the prober reads from the connection: to match {@code expect}, or to see a reply to {@code send}. */
  public boolean reads() {
    return expect != null || send != null;
  }

  /** The phases a probe of this target goes through: {@code tls} only with TLS, {@code first_byte} only if it reads. */
  public Set<Phase> phases() {
    Set<Phase> phases = EnumSet.of(Phase.RESOLVE, Phase.CONNECT);
    if (tls != null) {
      phases.add(Phase.TLS);
    }
    if (reads()) {
      phases.add(Phase.FIRST_BYTE);
    }
    return phases;
  }
}
