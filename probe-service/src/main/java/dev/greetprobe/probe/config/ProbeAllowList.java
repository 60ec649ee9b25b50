package dev.greetprobe.probe.config;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What {@code /probe} may be asked to probe: CIDR ranges, which targets written as addresses must fall in, and
 * {@code host:port} patterns ({@code *} for any characters of the host, or any port), which a target must match as
 * written. A name is matched by patterns only: the address it resolves to is not known when the request is judged.
 * An empty list allows everything.
 */
public final class ProbeAllowList {

  static final ProbeAllowList ANYTHING = new ProbeAllowList(List.of(), List.of(), List.of());

  private final List<String> entries;
  private final List<IpSubnetFilterRule> ranges;
  private final List<HostPattern> patterns;

  private record HostPattern(Pattern host, int port) {

    boolean matches(HostPort target) {
      return (port == 0 || port == target.port()) && host.matcher(target.host().toLowerCase(Locale.ROOT)).matches();
    }
  }

  private ProbeAllowList(List<String> entries, List<IpSubnetFilterRule> ranges, List<HostPattern> patterns) {
    this.entries = entries;
    this.ranges = ranges;
    this.patterns = patterns;
  }

  /** Parses each entry; throws {@link IllegalArgumentException} naming the first that is neither form. */
  static ProbeAllowList parse(List<String> entries) {
    List<IpSubnetFilterRule> ranges = new ArrayList<>();
    List<HostPattern> patterns = new ArrayList<>();
    for (String entry : entries) {
      if (entry.contains("/") || isAddress(entry)) {
        ranges.add(range(entry));
      } else {
        patterns.add(pattern(entry));
      }
    }
    return new ProbeAllowList(List.copyOf(entries), List.copyOf(ranges), List.copyOf(patterns));
  }

  public boolean permits(HostPort target) {
    if (entries.isEmpty()) {
      return true;
    }
    if (isAddress(target.host())) {
      InetSocketAddress address = new InetSocketAddress(addressOf(target.host()), target.port());
      if (ranges.stream().anyMatch(r -> r.matches(address))) {
        return true;
      }
    }
    return patterns.stream().anyMatch(p -> p.matches(target));
  }

  List<String> entries() {
    return entries;
  }

  private static IpSubnetFilterRule range(String cidr) {
    String[] parts = cidr.split("/", -1);
    boolean v6 = parts[0].contains(":");
    if (!isAddress(parts[0]) || parts.length > 2 || (parts.length == 2 && !parts[1].matches("\\d{1,3}"))) {
      throw new IllegalArgumentException("'" + cidr + "' is neither a CIDR range nor a host:port pattern");
    }
    int bits = parts.length == 1 ? (v6 ? 128 : 32) : Integer.parseInt(parts[1]);
    if (bits > (v6 ? 128 : 32)) {
      throw new IllegalArgumentException("'" + cidr + "' has a prefix longer than the address");
    }
    return new IpSubnetFilterRule(parts[0], bits, IpFilterRuleType.ACCEPT);
  }

  private static HostPattern pattern(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || text.indexOf(':') != colon) {
      throw new IllegalArgumentException("'" + text + "' is neither a CIDR range nor a host:port pattern"
          + " (as in *.svc.cluster.local:12345 or greeter:*)");
    }
    String host = text.substring(0, colon).toLowerCase(Locale.ROOT);
    String port = text.substring(colon + 1);
    int number;
    if (port.equals("*")) {
      number = 0;
    } else {
      try {
        number = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' has neither a port number nor * for any port");
      }
      if (number < 1 || number > 65535) {
        throw new IllegalArgumentException("'" + text + "': port " + number + " is outside 1..65535");
      }
    }
    StringBuilder regex = new StringBuilder();
    for (String literal : host.split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(literal));
    }
    return new HostPattern(Pattern.compile(regex.toString()), number);
  }

  private static boolean isAddress(String text) {
    return NetUtil.isValidIpV4Address(text) || NetUtil.isValidIpV6Address(text);
  }

  private static InetAddress addressOf(String literal) {
    return NetUtil.createInetAddressFromIpAddressString(literal);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeAllowList other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
