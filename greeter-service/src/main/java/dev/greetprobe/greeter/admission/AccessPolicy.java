package dev.greetprobe.greeter.admission;

import dev.greetprobe.greeter.config.Cidr;
import dev.greetprobe.greeter.config.GreeterConfig;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetSocketAddress;
import java.util.List;

/** Allow and deny lists of CIDR ranges, IPv4 and IPv6; deny wins, and an empty allow list allows everyone. */
public final class AccessPolicy {

  private final List<IpSubnetFilterRule> allow;
  private final List<IpSubnetFilterRule> deny;

  public AccessPolicy(GreeterConfig.Access access) {
    this.allow = access.allow().stream().map(Cidr::rule).toList();
    this.deny = access.deny().stream().map(Cidr::rule).toList();
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
}
