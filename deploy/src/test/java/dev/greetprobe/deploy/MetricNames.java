package dev.greetprobe.deploy;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Metric names in PromQL, and whether a scrape exports them. */
final class MetricNames {

  /**
   * A name of one of the families the services export, or {@code up}: not after {@code $} (a variable such as
   * {@code $probe_job}) or a word character, not before {@code (} (a function).
   */
  private static final Pattern IN_PROMQL = Pattern.compile(
      "(?<![\\w$.:])((?:probe|greeter|vertx|jvm|process|system)_[a-zA-Z0-9_]+|up)(?![\\w(])");

  private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");

  /** Suffixes a histogram, summary or Micrometer timer adds to its name in the text format. */
  private static final List<String> SERIES_SUFFIXES = List.of("_bucket", "_sum", "_count", "_max");

  private MetricNames() {
  }

  static Set<String> inPromQl(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher m = IN_PROMQL.matcher(STRING_LITERAL.matcher(expr).replaceAll("\"\""));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Whether {@code name} is a sample name of {@code exported}, or a family whose samples are. */
  static boolean isExported(String name, Set<String> exported) {
    return exported.contains(name) || SERIES_SUFFIXES.stream().anyMatch(s -> exported.contains(name + s));
  }
}
