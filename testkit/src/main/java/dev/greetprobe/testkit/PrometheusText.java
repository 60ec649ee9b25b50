package dev.greetprobe.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A scrape in Prometheus' text exposition format (and OpenMetrics' text), read as Prometheus reads it: samples with
 * their labels, and each family's {@code # HELP} and {@code # TYPE}.
 */
public record PrometheusText(List<Sample> samples, Map<String, Family> families) {

  /** One line of the scrape: a sample's name, its labels and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {

    public Sample {
      labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    public String label(String name) {
      return labels.get(name);
    }
  }

  /** A family as its comment lines describe it; {@code help} or {@code type} is null when its line is missing. */
  public record Family(String name, String help, String type) {
  }

  public PrometheusText {
    samples = List.copyOf(samples);
    families = Map.copyOf(families);
  }

  /** Reads {@code text}; a line that is not a sample or a comment fails, naming the line. */
  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, Family> families = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        comment(line, families);
      } else {
        samples.add(sample(line));
      }
    }
    return new PrometheusText(samples, families);
  }

  /** Every sample of {@code name}, in the order of the scrape. */
  public List<Sample> samples(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The samples of {@code name} whose labels include {@code labels}. */
  public List<Sample> samples(String name, Map<String, String> labels) {
    return samples(name).stream().filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
  }

  /**
   * The value of one series, written as in the scrape or in PromQL: {@code probe_targets} or
   * {@code probe_success{target="a"}}, its labels exactly those (in any order); NaN when the scrape has no such series,
   * as a query finds no value then.
   */
  public double value(String series) {
    Sample wanted = sample(series + " NaN");
    return value(wanted.name(), wanted.labels());
  }

  /** The value of the series {@code name} with exactly {@code labels}; NaN when the scrape has none. */
  public double value(String name, Map<String, String> labels) {
    return samples(name).stream().filter(s -> s.labels().equals(labels)).mapToDouble(Sample::value).findFirst()
        .orElse(Double.NaN);
  }

  /** The sum of the samples of {@code name} whose labels include {@code labels}; 0 when there are none. */
  public double sum(String name, Map<String, String> labels) {
    return samples(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** The sum of every sample of {@code name}, whatever its labels. */
  public double sum(String name) {
    return sum(name, Map.of());
  }

  /** The names of the samples, in the order of the scrape. */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  public Optional<Family> family(String name) {
    return Optional.ofNullable(families.get(name));
  }

  /**
   * The cumulative counts of the classic histogram {@code name} by upper bound ({@code +Inf} as infinity), from its
   * {@code _bucket} samples whose labels, {@code le} aside, are exactly {@code labels}.
   */
  public NavigableMap<Double, Double> buckets(String name, Map<String, String> labels) {
    NavigableMap<Double, Double> buckets = new TreeMap<>();
    for (Sample bucket : samples(name + "_bucket")) {
      Map<String, String> others = new TreeMap<>(bucket.labels());
      String le = others.remove("le");
      if (le != null && others.equals(labels)) {
        buckets.put(number(le), bucket.value());
      }
    }
    return buckets;
  }

  private static void comment(String line, Map<String, Family> families) {
    String[] words = line.split(" ", 4);
    if (words.length < 3 || !(words[1].equals("HELP") || words[1].equals("TYPE"))) {
      return;
    }
    String name = words[2];
    String text = words.length == 4 ? words[3] : "";
    Family known = families.getOrDefault(name, new Family(name, null, null));
    families.put(name, words[1].equals("HELP") ? new Family(name, unescape(text), known.type())
        : new Family(name, known.help(), text));
  }

  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    if (space < 0) {
      throw new IllegalArgumentException("not a sample: " + line);
    }
    if (brace < 0 || brace > space) {
      return new Sample(line.substring(0, space), Map.of(), value(line, line.substring(space + 1)));
    }
    Map<String, String> labels = new TreeMap<>();
    int i = brace + 1;
    while (line.charAt(i) != '}') {
      int equals = line.indexOf("=\"", i);
      if (equals < 0) {
        throw new IllegalArgumentException("not a sample: " + line);
      }
      String label = line.substring(i, equals).trim();
      int end = closingQuote(line, equals + 2);
      labels.put(label, unescape(line.substring(equals + 2, end)));
      i = end + 1;
      if (line.charAt(i) == ',') {
        i++;
      }
    }
    return new Sample(line.substring(0, brace), labels, value(line, line.substring(i + 1)));
  }

  /** The value after the name and labels, before an optional timestamp or an OpenMetrics exemplar. */
  private static double value(String line, String rest) {
    String[] words = rest.trim().split("\\s+");
    try {
      return number(words[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a sample: " + line, e);
    }
  }

  private static double number(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  /** Where the label value that starts at {@code from} ends: the first quote that no backslash escapes. */
  private static int closingQuote(String line, int from) {
    for (int i = from; i < line.length(); i++) {
      if (line.charAt(i) == '\\') {
        i++;
      } else if (line.charAt(i) == '"') {
        return i;
      }
    }
    throw new IllegalArgumentException("not a sample: " + line);
  }

  /** A label value or HELP text as written, its escapes ({@code \\}, {@code \"}, {@code \n}) undone. */
  private static String unescape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char escaped = text.charAt(++i);
        out.append(escaped == 'n' ? '\n' : escaped);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
