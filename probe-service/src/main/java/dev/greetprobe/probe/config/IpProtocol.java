package dev.greetprobe.probe.config;

import dev.greetprobe.common.ConfigException;
import io.netty.resolver.ResolvedAddressTypes;

/** Which address family a target is probed over. */
public enum IpProtocol {
  /** IPv4 only. */
  IP4(ResolvedAddressTypes.IPV4_ONLY),
  /** IPv6 only. */
  IP6(ResolvedAddressTypes.IPV6_ONLY),
  /** IPv4 when the name has an A record, else IPv6. */
  AUTO(ResolvedAddressTypes.IPV4_PREFERRED);

  public final ResolvedAddressTypes addressTypes;

  IpProtocol(ResolvedAddressTypes addressTypes) {
    this.addressTypes = addressTypes;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  static IpProtocol parse(String text) {
    for (IpProtocol p : values()) {
      if (p.label().equals(text)) {
        return p;
      }
    }
    throw new IllegalArgumentException(ConfigException.quote(text) + " is not ip4, ip6 or auto");
  }
}
