package dev.greetprobe.greeter.config;

import dev.greetprobe.common.ConfigException;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

/**
 * A CIDR range of the {@code access} and {@code proxy_protocol.trusted} lists, read by one rule where the config is
 * validated and where admission builds its policies, so that a range the config accepts is the range admission uses.
 */
public final class Cidr {

  private Cidr() {
  }

  /** Parses {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single address; throws with a reason otherwise. */
  public static IpSubnetFilterRule rule(String cidr) {
    String[] parts = cidr.split("/", -1);
    boolean v6 = parts[0].contains(":");
    int bits;
    if (parts.length == 1) {
      bits = v6 ? 128 : 32;
    } else if (parts.length == 2 && parts[1].matches("\\d{1,3}")) {
      bits = Integer.parseInt(parts[1]);
    } else {
      throw new IllegalArgumentException(ConfigException.quote(cidr) + " is not an address or CIDR range");
    }
    if (!NetUtil.isValidIpV4Address(parts[0]) && !NetUtil.isValidIpV6Address(parts[0])) {
      throw new IllegalArgumentException(ConfigException.quote(cidr) + " is not an address or CIDR range");
    }
    if (bits > (v6 ? 128 : 32)) {
      throw new IllegalArgumentException(ConfigException.quote(cidr) + " has a prefix longer than the address");
    }
    return new IpSubnetFilterRule(parts[0], bits, IpFilterRuleType.ACCEPT);
  }
}
