package dev.greetprobe.greeter.config;

import dev.greetprobe.common.ConfigDocument;
import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigFile;
import dev.greetprobe.common.ConfigReader;
import dev.greetprobe.common.Histograms;
import dev.greetprobe.common.HttpLimits;
import dev.greetprobe.common.Transport;
import dev.greetprobe.greeter.admission.AccessPolicy;
import io.vertx.core.http.ClientAuth;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The greeter's settings, validated once at start.
 *
 * @param host address the greeting port binds to
 * @param port the greeting port
 * @param greeting the exact text sent to every client (UTF-8, nothing appended)
 * @param listeners listeners on the greeting port, spread over the event loops: Vert.x servers sharing the port
 *     ({@code vertx}) or listening sockets of their own ({@code epoll}); 0 means one per event loop
 * @param backlog the listen backlog; large, so a burst of connects is queued instead of refused
 * @param drainTimeout how long shutdown waits for connections in flight
 * @param logConnections whether every connection is logged ("Got connection from ADDRESS")
 * @param http the metrics and health endpoint
 * @param tls TLS on the greeting port; null for plain TCP
 * @param access which client addresses may connect
 * @param limits connection limits
 * @param proxyProtocol whether every connection starts with a PROXY protocol (v1 or v2) header, from one of the
 *     proxies that {@link Access#trustedProxies} names (at least one when on)
 * @param transport how the greeting port is served
 * @param histograms which histograms the greeter's own are ({@code metrics.histograms}); both services read the key,
 *     so one config vocabulary drops classic buckets everywhere
 */
public record GreeterConfig(
    String host,
    int port,
    String greeting,
    int listeners,
    int backlog,
    Duration drainTimeout,
    boolean logConnections,
    Http http,
    Tls tls,
    Access access,
    Limits limits,
    boolean proxyProtocol,
    Transport transport,
    Histograms histograms) {

  public static final String DEFAULT_GREETING = "Thank You for Connecting";

  private static final int MAX_LISTENERS = 1024;

  /**
   * The longest greeting, in bytes: each client being written one holds a share of its socket's buffers until it has
   * read it, however the greeter shares its own copy.
   */
  public static final int MAX_GREETING_BYTES = 4 * 1024 * 1024;

  private static final String UNTRUSTED = "the PROXY protocol is on, but no proxy is trusted, so any client could name"
      + " any address: list the load balancers in proxy_protocol.trusted, or trust every peer on purpose with"
      + " trusted: [0.0.0.0/0, ::/0]";

  /** The greeting as sent: UTF-8, nothing appended. */
  public byte[] greetingBytes() {
    return greeting.getBytes(StandardCharsets.UTF_8);
  }

  /** What the listeners of the greeting port are told. */
  public Listening listening() {
    return new Listening(host, listeners, backlog, drainTimeout);
  }

  /** What each greeting connection goes through. */
  public Connection connection() {
    return new Connection(greetingBytes(), proxyProtocol, limits.handshakeTimeout(), limits.writeTimeout());
  }

  /** Who may stay: the part of the config that admission reads. */
  public Admission admission() {
    return new Admission(access, limits, logConnections);
  }

  /**
   * @param host address the greeting port binds to
   * @param listeners listeners to open, 0 for one per event loop
   * @param backlog the listen backlog
   * @param drainTimeout how long a stop gives connections in flight
   */
  public record Listening(String host, int listeners, int backlog, Duration drainTimeout) {
  }

  /**
   * @param greeting the bytes written to every admitted client
   * @param proxyProtocol whether a PROXY header comes first
   * @param handshakeTimeout how long a client has for its PROXY header or TLS handshake
   * @param writeTimeout how long a client has to read its greeting
   */
  public record Connection(byte[] greeting, boolean proxyProtocol, Duration handshakeTimeout, Duration writeTimeout) {
  }

  /**
   * @param access the address rules
   * @param limits the connection limits
   * @param logConnections whether every admitted connection is logged
   */
  public record Admission(Access access, Limits limits, boolean logConnections) {
  }

  /** Environment variables a container sets, and the keys they override. */
  public static final Map<String, String> ENVIRONMENT = Map.ofEntries(
      Map.entry("GREETER_HOST", "host"),
      Map.entry("GREETER_PORT", "port"),
      Map.entry("GREETER_GREETING", "greeting"),
      Map.entry("GREETER_LISTENERS", "listeners"),
      Map.entry("GREETER_INSTANCES", "instances"),
      Map.entry("GREETER_DRAIN_TIMEOUT", "drain_timeout"),
      Map.entry("GREETER_LOG_CONNECTIONS", "log_connections"),
      Map.entry("GREETER_HTTP_HOST", "http.host"),
      Map.entry("GREETER_HTTP_PORT", "http.port"),
      Map.entry("GREETER_PROXY_PROTOCOL", "proxy_protocol"),
      Map.entry("GREETER_TRANSPORT", "transport"),
      Map.entry("GREETER_MAX_CONNECTIONS", "limits.max_connections"),
      Map.entry("GREETER_TLS_CERT_FILE", "tls.cert_file"),
      Map.entry("GREETER_TLS_KEY_FILE", "tls.key_file"));

  /** @param host address the HTTP endpoint binds to; @param port its port; @param limits what a client may hold */
  public record Http(String host, int port, HttpLimits limits) {
  }

  /**
   * @param certFile PEM certificate chain served to clients
   * @param keyFile PEM private key of the certificate
   * @param clientCaFile PEM certificates that client certificates must chain to (mTLS); null for none
   * @param clientAuth whether a client certificate is required, merely checked when sent, or not asked for
   * @param reloadInterval how often the files are checked for a new certificate
   */
  public record Tls(Path certFile, Path keyFile, Path clientCaFile, ClientAuth clientAuth, Duration reloadInterval) {
  }

  /**
   * CIDR rules: a client matching {@code deny} is refused; otherwise it must match {@code allow}, if any is given.
   * With the PROXY protocol on, a connection must come from {@code trustedProxies}.
   */
  public record Access(List<String> allow, List<String> deny, List<String> trustedProxies) {

    public static final Access EVERYONE = new Access(List.of(), List.of());

    /** Trusting no proxy, as a greeter without the PROXY protocol needs none. */
    public Access(List<String> allow, List<String> deny) {
      this(allow, deny, List.of());
    }
  }

  /**
   * @param maxConnections connections open at once, TLS handshakes included; 0 for no limit
   * @param ratePerSource new connections per second one source address may open; 0 for no limit
   * @param burstPerSource connections a source may open at once before the rate applies
   * @param sourceTableSize how many source addresses the rate limiter remembers (the least recent are forgotten)
   * @param handshakeTimeout how long a client has to finish its TLS handshake or send its PROXY header
   * @param writeTimeout how long a client has to read its greeting before it is closed
   */
  public record Limits(int maxConnections, int ratePerSource, int burstPerSource, int sourceTableSize,
      Duration handshakeTimeout, Duration writeTimeout) {

    public static final Limits DEFAULT = new Limits(10_000, 0, 0, 10_000, Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }

  /** Reads {@code file} (or the defaults when null), then applies {@code environment} overrides. */
  public static GreeterConfig load(Path file, Map<String, String> environment) {
    Object document = file == null ? null : ConfigDocument.parse(ConfigFile.read(file), "config file " + file);
    return from(document, environment);
  }

  /** Validates a parsed YAML document (null for none) with {@code environment} overrides. */
  public static GreeterConfig from(Object document, Map<String, String> environment) {
    ConfigReader root = ConfigReader.root(document).overrides(ENVIRONMENT, environment);
    // Written as a switch (proxy_protocol: true), or as a section that also names the proxies to trust.
    ConfigReader proxy = root.isSection("proxy_protocol") ? root.section("proxy_protocol") : null;
    boolean proxyProtocol = proxy == null ? root.bool("proxy_protocol", false) : proxy.bool("enabled", true);
    List<String> trustedProxies = proxy == null ? List.of() : cidrs(proxy, "trusted");
    if (proxyProtocol && trustedProxies.isEmpty()) {
      // As nginx's set_real_ip_from: a header is believed only from peers named, since any client can write one.
      throw (proxy == null ? root.error("proxy_protocol", UNTRUSTED) : proxy.error("trusted", UNTRUSTED));
    }
    if (proxy != null) {
      proxy.done();
    }
    GreeterConfig config = new GreeterConfig(
        root.nonEmptyString("host", "0.0.0.0"),
        root.port("port", 12345),
        greeting(root),
        listeners(root),
        root.integer("backlog", 4096, 1, 65535),
        root.duration("drain_timeout", Duration.ofSeconds(10)),
        root.bool("log_connections", false),
        http(root.section("http")),
        tls(root.section("tls"), root.has("tls")),
        access(root.section("access"), trustedProxies),
        limits(root.section("limits")),
        proxyProtocol,
        Transport.read(root),
        histograms(root.section("metrics")));
    root.done();
    return config;
  }

  /**
   * {@code listeners}, or {@code instances}, its first name, from when every listener was a verticle (the epoll
   * transport's are sockets): the README documented that name, so configs and containers that set it keep working.
   */
  private static int listeners(ConfigReader root) {
    int listeners = root.integer("listeners", -1, 0, MAX_LISTENERS);
    int instances = root.integer("instances", -1, 0, MAX_LISTENERS);
    if (listeners >= 0 && instances >= 0) {
      throw root.error("instances", "is the old name of listeners, which is set too; set only listeners");
    }
    return Math.max(0, Math.max(listeners, instances));
  }

  private static String greeting(ConfigReader root) {
    String greeting = root.nonEmptyString("greeting", DEFAULT_GREETING);
    // Counted in characters first: a text too long to encode is refused before its bytes are made.
    if (greeting.length() > MAX_GREETING_BYTES
        || greeting.getBytes(StandardCharsets.UTF_8).length > MAX_GREETING_BYTES) {
      throw root.error("greeting", "is longer than the limit of " + (MAX_GREETING_BYTES >> 20) + " MiB");
    }
    return greeting;
  }

  private static Histograms histograms(ConfigReader metrics) {
    Histograms histograms = Histograms.read(metrics);
    metrics.done();
    return histograms;
  }

  private static Tls tls(ConfigReader tls, boolean present) {
    if (!present) {
      tls.done();
      return null;
    }
    Path cert = readableFile(tls, "cert_file", true);
    Path key = readableFile(tls, "key_file", true);
    Path clientCa = readableFile(tls, "client_ca_file", false);
    String auth = tls.string("client_auth", clientCa == null ? "none" : "required");
    ClientAuth clientAuth = switch (auth) {
      case "none" -> ClientAuth.NONE;
      case "optional" -> ClientAuth.REQUEST;
      case "required" -> ClientAuth.REQUIRED;
      default -> throw tls.error("client_auth", ConfigException.quote(auth) + " is not required, optional or none");
    };
    if (clientAuth != ClientAuth.NONE && clientCa == null) {
      throw tls.error("client_auth", "is " + auth + ", but client_ca_file is not set");
    }
    Tls result = new Tls(cert, key, clientCa, clientAuth, tls.duration("reload_interval", Duration.ofSeconds(10)));
    tls.done();
    return result;
  }

  private static Path readableFile(ConfigReader section, String key, boolean required) {
    String name = section.string(key, null);
    if (name == null) {
      if (required) {
        throw section.missing(key);
      }
      return null;
    }
    Path path = Path.of(name);
    if (!Files.isReadable(path)) {
      throw section.error(key, ConfigException.quote(name) + " is not a readable file");
    }
    return path;
  }

  private static Access access(ConfigReader access, List<String> trustedProxies) {
    Access result = new Access(cidrs(access, "allow"), cidrs(access, "deny"), trustedProxies);
    access.done();
    return result;
  }

  private static List<String> cidrs(ConfigReader section, String key) {
    List<String> cidrs = section.texts(key);
    for (String cidr : cidrs) {
      try {
        Cidr.rule(cidr);
      } catch (IllegalArgumentException e) {
        throw section.error(key, e.getMessage());
      }
    }
    return cidrs;
  }

  private static Limits limits(ConfigReader limits) {
    int rate = limits.integer("rate_per_source", 0, 0, 1_000_000);
    Limits result = new Limits(
        limits.integer("max_connections", Limits.DEFAULT.maxConnections(), 0, 10_000_000),
        rate,
        limits.integer("burst_per_source", rate, 0, 1_000_000),
        limits.integer("source_table_size", Limits.DEFAULT.sourceTableSize(), 1, 10_000_000),
        limits.duration("handshake_timeout", Limits.DEFAULT.handshakeTimeout()),
        limits.duration("write_timeout", Limits.DEFAULT.writeTimeout()));
    if (result.ratePerSource() > 0 && result.burstPerSource() == 0) {
      throw limits.error("burst_per_source", "must be at least 1 when rate_per_source is set");
    }
    if (result.handshakeTimeout().isZero()) {
      throw limits.error("handshake_timeout", "must be above 0");
    }
    if (result.writeTimeout().isZero()) {
      throw limits.error("write_timeout", "must be above 0");
    }
    limits.done();
    return result;
  }

  private static Http http(ConfigReader http) {
    Http result = new Http(http.nonEmptyString("host", "0.0.0.0"), http.port("port", 9180), HttpLimits.read(http));
    http.done();
    return result;
  }
}
