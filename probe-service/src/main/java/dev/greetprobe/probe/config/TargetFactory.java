package dev.greetprobe.probe.config;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigReader;
import dev.greetprobe.common.Durations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one way a {@link Target} is made, from each of the three places one is described: a config's {@code targets}
 * entry, a {@code /probe} request, and {@code check}'s arguments. A field means the same and is refused with the same
 * reason wherever it is given; its messages name it as the entry point's user wrote it ({@code target 'db': timeout:},
 * {@code timeout:}, {@code --timeout:}): the config's keys are its own, and the other entry points hand over the
 * fields they were given with the name each goes by there. What differs between the entry points is stated once each: the config's
 * {@link #configTimeout timing rule}, {@code /probe}'s {@link #requestTimeout timeout rule} and
 * {@link #requestExpect expect rule}, and {@code check}'s {@link #CHECK_NAME defaults}.
 */
public final class TargetFactory {

  /**
   * A probe's deadline when nothing sets one: the config's {@code defaults.timeout}, a {@code /probe} request without
   * {@code timeout} or scrape timeout, {@code check} without {@code --timeout}. One figure, so a target probed by hand
   * behaves as it does on its schedule.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** The config's {@code defaults.interval} when it sets none. */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  /**
   * {@code /probe}: the longest deadline a request may ask for, or a scrape timeout give. A one-off probe holds one of
   * {@code probe_endpoint.max_concurrent} places and a socket while it runs, so a request cannot hold them longer.
   */
  public static final Duration MAX_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** {@code /probe}: blackbox_exporter's default {@code timeout_offset}, so the answer arrives within the scrape. */
  static final Duration SCRAPE_TIMEOUT_OFFSET = Duration.ofMillis(500);

  /** A one-off target's name in logs and results; {@code /probe}'s answer carries no {@code target} label. */
  static final String REQUEST_NAME = "probe";

  /**
   * {@code check}'s name for its target. Its other defaults are a config target's ({@link #DEFAULT_TIMEOUT}, any
   * address family), so a target tried by hand behaves as it will on a schedule. A one-off probe has no interval, so
   * none is asked for or checked against, and its target's interval is its timeout.
   */
  static final String CHECK_NAME = "check";

  /**
   * The longest {@code send}, in bytes: every probe of the target writes it, so a long one costs CPU and network each
   * interval. Protocols' greetings and commands are a line or two.
   */
  static final int MAX_SEND_BYTES = 4096;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
  private static final List<String> TLS_ONLY =
      List.of("server_name", "ca_file", "insecure_skip_verify", "cert_file", "key_file");

  /** What a config's {@code defaults} section gives every target that does not set its own. */
  record Defaults(Duration interval, Duration timeout, IpProtocol ipProtocol) {
  }

  private TargetFactory() {
  }

  /** Config: reads the {@code defaults} section, under the same rules as a target's own settings. */
  static Defaults defaults(ConfigReader section) {
    Fields fields = new ConfigFields(section);
    Duration interval = configInterval(fields, DEFAULT_INTERVAL);
    Defaults defaults = new Defaults(interval, configTimeout(fields, DEFAULT_TIMEOUT, interval),
        ipProtocol(fields, IpProtocol.AUTO));
    section.done();
    return defaults;
  }

  /** Config: one entry of {@code targets}; every key is read, and one nobody reads is refused. */
  static Target fromConfig(ConfigReader entry, Defaults defaults) {
    Fields fields = new ConfigFields(entry);
    String name = name(fields);
    HostPort address = address(fields);
    Expect expect = expect(fields);
    String send = send(fields);
    Target.Tls tls = tls(fields, address);
    IpProtocol ipProtocol = ipProtocol(fields, defaults.ipProtocol());
    Duration interval = configInterval(fields, defaults.interval());
    Duration timeout = configTimeout(fields, defaults.timeout(), interval);
    TargetLabels labels = TargetLabels.read(entry);
    entry.done();
    return new Target(name, address, expect, send, tls, ipProtocol, interval, timeout, labels);
  }

  /**
   * {@code /probe}: the target a request names. {@code values} holds the fields it gave ({@code address},
   * {@code expect}, {@code tls}, {@code timeout}, and {@code scrape_timeout}, the scraper's timeout in seconds); no
   * other field is read. Throws {@link IllegalArgumentException} with a message naming the field as {@code names}
   * does.
   */
  public static Target fromRequest(Map<String, String> values, Map<String, String> names, boolean allowExpect) {
    Fields fields = new GivenFields(values, names);
    HostPort address = address(fields);
    Expect expect = requestExpect(fields, allowExpect);
    Target.Tls tls = tls(fields, address);
    Duration timeout = requestTimeout(fields);
    return new Target(REQUEST_NAME, address, expect, null, tls, IpProtocol.AUTO, timeout, timeout);
  }

  /**
   * {@code check}: the target its arguments give. {@code values} holds the fields they set, as a config target's keys;
   * throws {@link IllegalArgumentException} with a message naming the field as {@code names} does.
   */
  public static Target fromCheck(Map<String, String> values, Map<String, String> names) {
    Fields fields = new GivenFields(values, names);
    HostPort address = address(fields);
    Expect expect = expect(fields);
    String send = send(fields);
    Target.Tls tls = tls(fields, address);
    IpProtocol ipProtocol = ipProtocol(fields, IpProtocol.AUTO);
    Duration timeout = timeout(fields, DEFAULT_TIMEOUT);
    return new Target(CHECK_NAME, address, expect, send, tls, ipProtocol, timeout, timeout);
  }

  /** Config: a target's interval, at least {@link Durations#MIN}: every run is also a new connection. */
  private static Duration configInterval(Fields fields, Duration fallback) {
    return parsed(fields, "interval", text -> Durations.atLeastMin(Durations.parse(text)), fallback);
  }

  /**
   * Config: the timeout is at most the interval. A probe that could outlast it would still be running when the next
   * is due, and every other run of the target would be skipped.
   */
  private static Duration configTimeout(Fields fields, Duration fallback, Duration interval) {
    Duration timeout = timeout(fields, fallback);
    if (timeout.compareTo(interval) > 0) {
      throw fields.error("timeout", Durations.format(timeout) + " exceeds the interval of "
          + Durations.format(interval));
    }
    return timeout;
  }

  /**
   * {@code /probe}: the request's {@code timeout}, at most {@link #MAX_REQUEST_TIMEOUT}. With a scrape timeout, as
   * blackbox_exporter does, the probe gets the scrape's seconds less {@link #SCRAPE_TIMEOUT_OFFSET}, capped the same
   * way, and a request's own timeout can only shorten that.
   */
  private static Duration requestTimeout(Fields fields) {
    Duration timeout = timeout(fields, DEFAULT_TIMEOUT);
    if (timeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
      throw fields.error("timeout", "must be above 0 and at most " + Durations.format(MAX_REQUEST_TIMEOUT));
    }
    if (!fields.has("scrape_timeout")) {
      return timeout;
    }
    Duration left = scrapeTimeoutLeft(fields);
    return fields.has("timeout") ? min(timeout, left) : min(left, MAX_REQUEST_TIMEOUT);
  }

  /** What the scrape's timeout leaves the probe once the offset is taken off; refused when that is nothing. */
  private static Duration scrapeTimeoutLeft(Fields fields) {
    String seconds = fields.text("scrape_timeout");
    double value;
    try {
      value = Double.parseDouble(seconds.trim());
    } catch (NumberFormatException e) {
      throw fields.error("scrape_timeout", ConfigException.quote(seconds) + " is not a number of seconds");
    }
    // Bounded before it becomes nanoseconds, which a scraper's huge or infinite wait would overflow.
    double bounded = Math.min(value, MAX_REQUEST_TIMEOUT.toSeconds() + 1);
    Duration left = Duration.ofNanos((long) (bounded * 1e9)).minus(SCRAPE_TIMEOUT_OFFSET);
    if (!(value > 0) || left.isNegative() || left.isZero()) {
      throw fields.error("scrape_timeout", ConfigException.excerpt(seconds)
          + "s leaves no time after the margin of " + Durations.format(SCRAPE_TIMEOUT_OFFSET));
    }
    return left;
  }

  /**
   * {@code /probe}: a request's {@code expect} only where {@code probe_endpoint.allow_expect} lets it: the probe runs
   * whatever expression a request carries, and an operator may want to run only their own.
   */
  private static Expect requestExpect(Fields fields, boolean allowExpect) {
    if (fields.has("expect") && !allowExpect) {
      throw fields.error("expect", "refused: probe_endpoint.allow_expect is false");
    }
    return expect(fields);
  }

  private static String name(Fields fields) {
    if (!fields.has("name")) {
      throw fields.missing("name");
    }
    String name = fields.text("name");
    if (!NAME.matcher(name).matches()) {
      throw fields.error("name", ConfigException.quote(name) + " may hold only letters, digits, '_', '.' and '-'");
    }
    return name;
  }

  private static HostPort address(Fields fields) {
    if (!fields.has("address")) {
      throw fields.missing("address");
    }
    return parsed(fields, "address", HostPort::parse, null);
  }

  private static Expect expect(Fields fields) {
    return parsed(fields, "expect", Expect::compile, null);
  }

  private static String send(Fields fields) {
    String send = fields.text("send");
    if (send != null && send.isEmpty()) {
      throw fields.error("send", "must not be empty");
    }
    // Counted in characters first: a string too long to encode is refused before its bytes are made.
    if (send != null && (send.length() > MAX_SEND_BYTES
        || send.getBytes(StandardCharsets.UTF_8).length > MAX_SEND_BYTES)) {
      throw fields.error("send", "is longer than the limit of " + MAX_SEND_BYTES + " bytes");
    }
    return send;
  }

  private static Target.Tls tls(Fields fields, HostPort address) {
    boolean tls = fields.on("tls");
    String serverName = fields.text("server_name");
    boolean skipVerify = fields.on("insecure_skip_verify");
    String caName = fields.text("ca_file");
    String certName = fields.text("cert_file");
    String keyName = fields.text("key_file");
    if (!tls) {
      for (String key : TLS_ONLY) {
        if (fields.has(key)) {
          throw fields.error(key, "is set, but " + fields.name("tls") + " is false");
        }
      }
      return null;
    }
    TlsFile ca = readableFile(fields, "ca_file", caName);
    if (ca != null && skipVerify) {
      throw fields.error("ca_file", "is set, but " + fields.name("insecure_skip_verify") + " turns verification off");
    }
    TlsFile cert = readableFile(fields, "cert_file", certName);
    TlsFile key = readableFile(fields, "key_file", keyName);
    if ((cert == null) != (key == null)) {
      String missing = cert == null ? "cert_file" : "key_file";
      throw fields.error(missing, "is required with " + fields.name(cert == null ? "key_file" : "cert_file"));
    }
    return new Target.Tls(serverName != null ? serverName : address.host(), ca, skipVerify, cert, key);
  }

  /** The file {@code name}, read now: its content is part of the target, so a rotated file is a changed target. */
  private static TlsFile readableFile(Fields fields, String key, String name) {
    if (name == null) {
      return null;
    }
    try {
      return TlsFile.read(Path.of(name));
    } catch (IllegalArgumentException e) {
      throw fields.error(key, e.getMessage());
    }
  }

  private static IpProtocol ipProtocol(Fields fields, IpProtocol fallback) {
    return parsed(fields, "ip_protocol", IpProtocol::parse, fallback);
  }

  /** A probe's deadline, above 0: a zero deadline would end every probe before it starts. */
  private static Duration timeout(Fields fields, Duration fallback) {
    Duration timeout = duration(fields, "timeout", fallback);
    if (timeout.isZero()) {
      throw fields.error("timeout", "must be above 0");
    }
    return timeout;
  }

  private static Duration duration(Fields fields, String key, Duration fallback) {
    return parsed(fields, key, Durations::parse, fallback);
  }

  /**
   * The field read by {@code parse}, whose {@link IllegalArgumentException} says why a text is refused and becomes the
   * field's refusal; {@code fallback} when the field is not given.
   */
  private static <T> T parsed(Fields fields, String field, Function<String, T> parse, T fallback) {
    String text = fields.text(field);
    if (text == null) {
      return fallback;
    }
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      throw fields.error(field, e.getMessage());
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** A target's fields as one entry point gives them, and how its messages name them. */
  private interface Fields {

    /** The field's value as written, or null when it is not given. */
    String text(String field);

    boolean has(String field);

    /** A switch: off unless given as true. */
    boolean on(String field);

    /** The field as the entry point's user writes it. */
    String name(String field);

    /** A refusal of the field's value, naming the field. */
    RuntimeException error(String field, String reason);

    /** The refusal of a required field that is absent. */
    RuntimeException missing(String field);
  }

  /** A config mapping's keys, read through {@link ConfigReader} so that its checks and its unknown-key refusal hold. */
  private record ConfigFields(ConfigReader reader) implements Fields {

    @Override
    public String text(String field) {
      return reader.string(field, null);
    }

    @Override
    public boolean has(String field) {
      return reader.has(field);
    }

    @Override
    public boolean on(String field) {
      return reader.bool(field, false);
    }

    @Override
    public String name(String field) {
      return field;
    }

    @Override
    public RuntimeException error(String field, String reason) {
      return reader.error(field, reason);
    }

    @Override
    public RuntimeException missing(String field) {
      return reader.missing(field);
    }
  }

  /** Texts gathered from a request or a command line, with the name each field goes by there. */
  private record GivenFields(Map<String, String> values, Map<String, String> names) implements Fields {

    @Override
    public String text(String field) {
      return values.get(field);
    }

    @Override
    public boolean has(String field) {
      return values.containsKey(field);
    }

    @Override
    public boolean on(String field) {
      String text = values.get(field);
      if (text == null || text.equals("false")) {
        return false;
      }
      if (text.equals("true")) {
        return true;
      }
      throw error(field, ConfigException.quote(text) + " is not true or false");
    }

    @Override
    public String name(String field) {
      return names.get(field);
    }

    @Override
    public RuntimeException error(String field, String reason) {
      return new IllegalArgumentException(names.get(field) + ": " + reason);
    }

    @Override
    public RuntimeException missing(String field) {
      return error(field, "is required");
    }
  }
}
