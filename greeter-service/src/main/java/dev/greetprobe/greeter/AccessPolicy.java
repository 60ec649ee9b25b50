package dev.greetprobe.greeter;

import dev.greetprobe.common.ConfigException;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetSocketAddress;
import java.util.List;

/** Allow and deny lists of CIDR ranges, IPv4 and IPv6; deny wins, and an empty allow list allows everyone. */
public final class AccessPolicy {

  private final List<IpSubnetFilterRule> allow;
  private final List<IpSubnetFilterRule> deny;

  public AccessPolicy(GreeterConfig.Access access) {
    this.allow = access.allow().stream().map(AccessPolicy::rule).toList();
    this.deny = access.deny().stream().map(AccessPolicy::rule).toList();
  }

  public boolean permits(InetSocketAddress client) {
    for (IpSubnetFilterRule rule : deny) {
      if (rule.matches(client)) {
        return false;
      }
    }
    if (allow.isEmpty()) {
      return true;
    }
    for (IpSubnetFilterRule rule : allow) {
      if (rule.matches(client)) {
        return true;
      }
    }
    return false;
  }

  /** Parses {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single address; throws with a reason otherwise. */
  static IpSubnetFilterRule rule(String cidr) {
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
    if (!io.netty.util.NetUtil.isValidIpV4Address(parts[0]) && !io.netty.util.NetUtil.isValidIpV6Address(parts[0])) {
      throw new IllegalArgumentException(ConfigException.quote(cidr) + " is not an address or CIDR range");
    }
    if (bits > (v6 ? 128 : 32)) {
      throw new IllegalArgumentException(ConfigException.quote(cidr) + " has a prefix longer than the address");
    }
    return new IpSubnetFilterRule(parts[0], bits, IpFilterRuleType.ACCEPT);
  }
}
