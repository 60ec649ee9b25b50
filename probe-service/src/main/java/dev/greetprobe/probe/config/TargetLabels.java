package dev.greetprobe.probe.config;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A target's own labels, as its {@code labels} mapping gives them ({@code labels: {team: payments, env: prod}}):
 * exported on every series of the target, shown by {@code /targets} and the status page, and carried by the alerts,
 * so Alertmanager can route by them. Sorted by name, the order the expositions write labels in.
 *
 * @param values label values by label name
 */
public record TargetLabels(SortedMap<String, String> values) {

  /** A target without labels. */
  public static final TargetLabels NONE = new TargetLabels(new TreeMap<>());

  /**
   * The longest value, in bytes of UTF-8. A value is repeated on each of a target's dozens of series, in every scrape
   * and in Prometheus' index; a team or an environment is a word or two.
   */
  public static final int MAX_VALUE_BYTES = 128;

  /** The most labels a target carries, and the longest name: each is on every series, as the value is. */
  public static final int MAX_LABELS = 16;
  public static final int MAX_NAME_CHARACTERS = 64;

  /**
   * The most series a target has in a text scrape, each carrying its labels: a histogram of each phase in classic
   * buckets, a counter of each result, the skip counter and the gauges ({@code TargetFamiliesTextTest} holds it).
   */
  public static final int MAX_SERIES = 96;

  /** The encodings of a target's labels kept: all of them, and split around result and around phase, in two formats. */
  static final int KEPT_ENCODINGS = 6;

  /** What holds one label beyond its text: its entry in the map, its two strings, its slots in the expositions. */
  static final int OBJECT_BYTES = 160;

  /** Prometheus' rule for a label name. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /**
   * Names a target's label cannot take: the labels the probe's own per-target series carry ({@code target},
   * {@code result}, {@code phase}, a bucket's {@code le}), those of its other series ({@code ownership},
   * {@code transport}, {@code reason}), those a scraper or blackbox_exporter's users give a meaning to
   * ({@code instance}, {@code job}, {@code module}, {@code quantile}), and those the Prometheus Operator gives every
   * series it scrapes ({@code namespace}, {@code service}, {@code pod}, {@code container}, {@code endpoint}). A label
   * of the same name would clash with one of them on a series, be renamed {@code exported_...} by the scrape, or be
   * dropped by an alert's aggregation.
   */
  static final Set<String> RESERVED = Set.of("target", "result", "phase", "le", "quantile", "instance", "job",
      "module", "reason", "ownership", "transport", "namespace", "service", "pod", "container", "endpoint");

  public TargetLabels {
    values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
  }

  /** Config: a target entry's {@code labels} mapping, each name and value checked; {@link #NONE} when absent. */
  static TargetLabels read(ConfigReader entry) {
    ConfigReader labels = entry.section("labels");
    if (labels.keys().size() > MAX_LABELS) {
      throw entry.error("labels", labels.keys().size() + " labels are more than the limit of " + MAX_LABELS);
    }
    SortedMap<String, String> values = new TreeMap<>();
    for (String name : labels.keys()) {
      nameRefusal(name).ifPresent(reason -> {
        throw entry.error("labels", "key " + ConfigException.quote(name) + " " + reason);
      });
      values.put(name, value(labels, name));
    }
    labels.done();
    return values.isEmpty() ? NONE : new TargetLabels(values);
  }

  /**
   * Why these labels cannot stand beside {@code first}'s, the labels of the config's first target, or empty when they
   * have the same names: every series of a family must carry the same label names, or a query's aggregation and an
   * alert's routing would see some targets and not others.
   */
  Optional<String> namesDifferFrom(TargetLabels first) {
    String expected = first.values.isEmpty() ? "none" : String.join(", ", first.values.keySet());
    String rule = "; every target must carry the same label names (" + expected + ")";
    for (String name : first.values.keySet()) {
      if (!values.containsKey(name)) {
        return Optional.of("key " + ConfigException.quote(name) + " is missing" + rule);
      }
    }
    for (String name : values.keySet()) {
      if (!first.values.containsKey(name)) {
        return Optional.of("key " + ConfigException.quote(name) + " is not on the other targets" + rule);
      }
    }
    return Optional.empty();
  }

  /**
   * What the labels take: their names and values, two bytes a character as a string outside Latin-1 holds them, and the
   * objects that hold them; as each exposition keeps them encoded (three copies in each of two formats); and once more
   * on each of the target's series in a scrape being written, as the text format writes them.
   */
  long bytes() {
    long characters = 0;
    long written = 0;
    for (Map.Entry<String, String> label : values.entrySet()) {
      characters += label.getKey().length() + label.getValue().length();
      // ,name="value"
      written += label.getKey().length() + label.getValue().getBytes(StandardCharsets.UTF_8).length + 4;
    }
    return 2 * characters + OBJECT_BYTES * values.size() + (MAX_SERIES + KEPT_ENCODINGS) * written;
  }

  private static Optional<String> nameRefusal(String name) {
    if (!NAME.matcher(name).matches()) {
      return Optional.of("is not a label name: letters, digits and '_', not starting with a digit");
    }
    if (name.length() > MAX_NAME_CHARACTERS) {
      return Optional.of("is longer than the limit of " + MAX_NAME_CHARACTERS + " characters");
    }
    if (name.startsWith("__")) {
      return Optional.of("starts with '__', which Prometheus keeps for its own labels");
    }
    if (RESERVED.contains(name)) {
      return Optional.of("is reserved: the probe's series or their scrapers already use it");
    }
    return Optional.empty();
  }

  private static String value(ConfigReader labels, String name) {
    String value = labels.string(name, "");
    if (value.isEmpty()) {
      // Prometheus reads an empty label as no label: the target's series would lack a name the others carry.
      throw labels.error(name, "must not be empty");
    }
    // Counted in characters first: a string too long to encode is refused before its bytes are made.
    if (value.length() > MAX_VALUE_BYTES || value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      throw labels.error(name, "is longer than the limit of " + MAX_VALUE_BYTES + " bytes");
    }
    return value;
  }
}
