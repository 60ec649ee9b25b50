package dev.greetprobe.probe.config;

import dev.greetprobe.common.ConfigDocument;
import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigReader;
import dev.greetprobe.common.Histograms;
import dev.greetprobe.common.HttpLimits;
import dev.greetprobe.common.Transport;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The probe's settings, validated as a whole: a config either loads completely or is refused with the first error,
 * naming the target and the key.
 */
public record ProbeConfig(Transport transport, Http http, ProbeEndpoint probeEndpoint, Dns dns, Reload reload,
    Sharding shard, List<Target> targets, Histograms histograms, Status status) {

  /** Labels of letters, digits, '-' and '_', dot-separated, with an optional trailing dot. */
  private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,62}(\\.[A-Za-z0-9_-]{1,63})*\\.?");
  private static final Pattern SHARD_NUMBER = Pattern.compile("\\d{1,9}");
  /** A StatefulSet names its pods {@code <set>-<ordinal>}; the ordinal is the shard. */
  private static final Pattern POD_NAME = Pattern.compile(".+-(\\d{1,9})");
  private static final int MAX_SHARDS = 1000;
  /** Each replica is a peer probing the same target again: past a handful, only the load grows. */
  private static final int MAX_REPLICAS = 10;
  /** The keys of each way to shard, so that a config mixing them is refused rather than half read. */
  private static final List<String> STATIC_KEYS = List.of("count", "index");
  private static final List<String> PEERS_KEYS = List.of("self", "refresh", "replicas");
  /** Each one-off probe holds a socket, and the process shares its file limit with the scheduled probes. */
  private static final int MAX_CONCURRENT_PROBES = 10_000;

  /** Environment variables a container sets, and the keys they override. */
  public static final Map<String, String> ENVIRONMENT = Map.of(
      "PROBE_HTTP_HOST", "http.host",
      "PROBE_HTTP_PORT", "http.port",
      "PROBE_SHARD_COUNT", "shard.count",
      "PROBE_SHARD_INDEX", "shard.index",
      "PROBE_SHARD_SELF", "shard.self",
      "PROBE_TRANSPORT", "transport");

  /** @param limits what one client may hold of the port */
  public record Http(String host, int port, HttpLimits limits) {
  }

  /**
   * Who may use {@code /probe}, and for what: it probes whatever a request names, so it is a door to the network.
   *
   * @param enabled whether {@code /probe} answers at all
   * @param maxConcurrent one-off probes running at once; a request past them is refused at once with 429
   * @param allow what a request may name; empty for anything
   * @param allowExpect whether a request may carry its own {@code expect}, which the probe then runs
   */
  public record ProbeEndpoint(boolean enabled, int maxConcurrent, ProbeAllowList allow, boolean allowExpect) {

    public static final ProbeEndpoint DEFAULT = new ProbeEndpoint(true, 64, ProbeAllowList.ANYTHING, true);
  }

  /**
   * @param servers DNS servers to ask; empty for the system's (resolv.conf, with /etc/hosts first)
   * @param search search domains; null for the system's
   * @param ndots names with fewer dots are tried with the search domains first; -1 for the system's
   * @param queryTimeout how long one DNS query waits for an answer
   */
  public record Dns(List<HostPort> servers, List<String> search, int ndots, Duration queryTimeout) {

    public boolean system() {
      return servers.isEmpty();
    }
  }

  /**
   * @param interval how often the config file is read to see whether its content changed
   * @param timeout how long reading and validating a config may take before its reload is refused
   * @param http whether {@code POST /-/reload} reloads: off unless asked for, as Prometheus' lifecycle API, since
   *     anyone who reaches the port could otherwise make the probe read its file
   * @param settle how long a file rewritten in place must go unwritten before the watcher applies it
   */
  public record Reload(Duration interval, Duration timeout, boolean http, Duration settle) {
  }

  /**
   * What the status page and {@code /targets} keep.
   *
   * @param history how many of its last results each target keeps
   */
  public record Status(int history) {

    public static final Status DEFAULT = new Status(60);
    /** Each result kept costs every target its bytes: a bound keeps a typo from taking the heap. */
    public static final int MAX_HISTORY = 1000;
  }

  /** Parses and validates YAML text; {@code origin} names it in errors. */
  public static ProbeConfig parse(String yaml, String origin, Map<String, String> environment) {
    return from(ConfigDocument.parse(yaml, origin), environment);
  }

  /** Validates a parsed YAML document with {@code environment} overrides. */
  public static ProbeConfig from(Object document, Map<String, String> environment) {
    ConfigReader root = ConfigReader.root(document).overrides(ENVIRONMENT, environment);
    Transport transport = Transport.read(root);
    Http http = http(root.section("http"));
    ProbeEndpoint probeEndpoint = probeEndpoint(root.section("probe_endpoint"));
    Dns dns = dns(root.section("dns"));
    Reload reload = reload(root.section("reload"));
    Sharding shard = shard(root.section("shard"));
    TargetFactory.Defaults defaults = TargetFactory.defaults(root.section("defaults"));
    List<Target> targets = targets(root.mappings("targets"), defaults);
    ConfigReader metrics = root.section("metrics");
    Histograms histograms = Histograms.read(metrics);
    metrics.done();
    Status status = status(root.section("status"));
    root.done();
    return new ProbeConfig(transport, http, probeEndpoint, dns, reload, shard, List.copyOf(targets), histograms,
        status);
  }

  private static Http http(ConfigReader http) {
    Http result = new Http(http.nonEmptyString("host", "0.0.0.0"), http.port("port", 9181), HttpLimits.read(http));
    http.done();
    return result;
  }

  private static ProbeEndpoint probeEndpoint(ConfigReader endpoint) {
    boolean enabled = endpoint.bool("enabled", ProbeEndpoint.DEFAULT.enabled());
    int maxConcurrent = endpoint.integer("max_concurrent", ProbeEndpoint.DEFAULT.maxConcurrent(), 1,
        MAX_CONCURRENT_PROBES);
    ProbeAllowList allow;
    try {
      allow = ProbeAllowList.parse(endpoint.texts("allow"));
    } catch (IllegalArgumentException e) {
      throw endpoint.error("allow", e.getMessage());
    }
    boolean allowExpect = endpoint.bool("allow_expect", ProbeEndpoint.DEFAULT.allowExpect());
    endpoint.done();
    return new ProbeEndpoint(enabled, maxConcurrent, allow, allowExpect);
  }

  private static Status status(ConfigReader status) {
    Status result = new Status(status.integer("history", Status.DEFAULT.history(), 1, Status.MAX_HISTORY));
    status.done();
    return result;
  }

  private static Reload reload(ConfigReader reload) {
    Duration interval = reload.durationAtLeastMin("interval", Duration.ofSeconds(5));
    Duration timeout = reload.durationAtLeastMin("timeout", Duration.ofSeconds(10));
    boolean http = reload.bool("http", false);
    Duration settle = reload.duration("settle", Duration.ofSeconds(10));
    reload.done();
    return new Reload(interval, timeout, http, settle);
  }

  /** A fixed shard of a count, or the live peers of a DNS name: one or the other, never keys of both. */
  private static Sharding shard(ConfigReader shard) {
    boolean peers = shard.has("peers");
    for (String key : peers ? STATIC_KEYS : PEERS_KEYS) {
      if (shard.has(key)) {
        throw shard.error(key, peers
            ? "is set, but so is shard.peers: the peers come from DNS, not from a count and an index"
            : "is set, but shard.peers is not (it belongs to sharing the targets with the peers DNS lists)");
      }
    }
    Sharding result = peers ? peers(shard) : fixedShard(shard);
    shard.done();
    return result;
  }

  private static Peers peers(ConfigReader shard) {
    String name = shard.nonEmptyString("peers", null).trim();
    if (isIpAddress(name) || !DNS_NAME.matcher(name).matches()) {
      throw shard.error("peers", ConfigException.quote(name)
          + " is not a DNS name (the name whose records list the ready peers, as in probe.greetprobe.svc.cluster.local)");
    }
    if (!shard.has("self")) {
      throw shard.error("self", "is required with shard.peers: this instance's IP address, as the peers' records "
          + "give it (a pod's status.podIP)");
    }
    String text = shard.nonEmptyString("self", null).trim();
    InetAddress self = NetUtil.createInetAddressFromIpAddressString(text);
    if (self == null) {
      throw shard.error("self", ConfigException.quote(text)
          + " is not an IP address (the peers are the address records of shard.peers)");
    }
    Duration refresh = shard.durationAtLeastMin("refresh", Duration.ofSeconds(5));
    int replicas = shard.integer("replicas", 1, 1, MAX_REPLICAS);
    return new Peers(name, self.getHostAddress(), refresh, replicas);
  }

  /** The index is a number, or a StatefulSet pod's name, so that a pod can pass its own name to find its shard. */
  private static Shard fixedShard(ConfigReader shard) {
    int count = shard.integer("count", 1, 1, MAX_SHARDS);
    String text = shard.nonEmptyString("index", "0").trim();
    long index;
    String described;
    Matcher pod = POD_NAME.matcher(text);
    if (SHARD_NUMBER.matcher(text).matches()) {
      index = Long.parseLong(text);
      described = text;
    } else if (pod.matches()) {
      index = Long.parseLong(pod.group(1));
      described = ConfigException.quote(text) + " is shard " + index + ", which";
    } else {
      throw shard.error("index",
          ConfigException.quote(text) + " is neither a shard number nor a pod name ending in -N (as in probe-2)");
    }
    if (index >= count) {
      throw shard.error("index", described + " is outside 0.." + (count - 1) + " (shard.count is " + count + ")");
    }
    return new Shard((int) index, count);
  }

  private static Dns dns(ConfigReader dns) {
    List<HostPort> servers = new ArrayList<>();
    for (String text : dns.texts("servers")) {
      try {
        HostPort hp = isIpAddress(text) || !text.contains(":") ? new HostPort(text, 53) : HostPort.parse(text);
        if (!isIpAddress(hp.host())) {
          throw new IllegalArgumentException(
              ConfigException.quote(text) + " is not an IP address (a DNS server cannot be a name)");
        }
        servers.add(hp);
      } catch (IllegalArgumentException e) {
        throw dns.error("servers", e.getMessage());
      }
    }
    List<String> search = null;
    if (dns.has("search")) {
      search = dns.texts("search");
    } else if (!servers.isEmpty()) {
      // Configured servers are for names they know; the host's search list belongs to the host's resolver.
      search = List.of();
    }
    Dns result = new Dns(List.copyOf(servers), search, dns.integer("ndots", -1, -1, 15),
        dns.duration("query_timeout", Duration.ofSeconds(2)));
    dns.done();
    return result;
  }

  private static List<Target> targets(List<Map<?, ?>> nodes, TargetFactory.Defaults defaults) {
    List<Target> targets = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      Map<?, ?> node = nodes.get(i);
      String label = ConfigReader.isScalar(node.get("name"))
          ? "target " + ConfigException.quote(node.get("name").toString())
          : "targets[" + i + "]";
      ConfigReader t = ConfigReader.element(node, label);
      Target target = TargetFactory.fromConfig(t, defaults);
      if (!names.add(target.name())) {
        throw t.error("name", ConfigException.quote(target.name()) + " is used by another target");
      }
      target.labels().namesDifferFrom(targets.isEmpty() ? target.labels() : targets.get(0).labels())
          .ifPresent(reason -> {
            throw t.error("labels", reason);
          });
      targets.add(target);
    }
    return targets;
  }

  private static boolean isIpAddress(String text) {
    return NetUtil.isValidIpV4Address(text) || NetUtil.isValidIpV6Address(text);
  }
}
