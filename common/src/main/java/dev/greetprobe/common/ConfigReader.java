package dev.greetprobe.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one mapping of a parsed YAML document, key by key, turning every wrong value into a
 * {@link ConfigException} that names the full key ({@code http.port}) and the reason.
 * Keys nobody asked for are refused by {@link #done()}, so a misspelled key never passes silently.
 * A list or mapping where a scalar belongs is refused before anything turns it into text: built from aliases, its
 * text could be gigabytes. Values a message repeats are cut by {@link ConfigException#quote}.
 */
public final class ConfigReader {

  private final String prefix;
  private final Map<String, Object> values;
  private final Map<String, String> origins;
  private final Set<String> read = new TreeSet<>();

  private ConfigReader(String prefix, Map<String, Object> values, Map<String, String> origins) {
    this.prefix = prefix;
    this.values = values;
    this.origins = origins;
  }

  /** A reader over a document's root; {@code document} is what the YAML parser returned (null for an empty file). */
  public static ConfigReader root(Object document) {
    if (document == null) {
      return new ConfigReader("", new LinkedHashMap<>(), new LinkedHashMap<>());
    }
    if (!(document instanceof Map<?, ?> map)) {
      throw new ConfigException("the config must be a mapping of keys to values, not " + describe(document));
    }
    return new ConfigReader("", copy(map, ""), new LinkedHashMap<>());
  }

  /**
   * A reader over one element of a list, whose errors start with {@code name}, as in {@code target 'db': port: ...}.
   */
  public static ConfigReader element(Object node, String name) {
    if (!(node instanceof Map<?, ?> map)) {
      throw new ConfigException(name + ": must be a mapping of keys to values, not " + describe(node));
    }
    return new ConfigReader(name + ": ", copy(map, name), new LinkedHashMap<>());
  }

  /**
   * Sets {@code key} (dotted, such as {@code http.port}) to a text from the environment variable {@code variable}, which
   * errors then name as the value's origin.
   */
  public ConfigReader override(String key, String variable, String text) {
    String[] parts = key.split("\\.");
    Map<String, Object> target = values;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = target.get(parts[i]);
      if (!(child instanceof Map<?, ?>)) {
        child = new LinkedHashMap<String, Object>();
        target.put(parts[i], child);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> next = (Map<String, Object>) child;
      target = next;
    }
    target.put(parts[parts.length - 1], text);
    origins.put(key, variable);
    return this;
  }

  /** Applies every variable of {@code environment} named in {@code keysByVariable} as an {@link #override}. */
  public ConfigReader overrides(Map<String, String> keysByVariable, Map<String, String> environment) {
    keysByVariable.forEach((variable, key) -> {
      String value = environment.get(variable);
      if (value != null) {
        override(key, variable, value);
      }
    });
    return this;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** The keys this mapping holds, in the order written, for a mapping whose keys are the user's own names. */
  public List<String> keys() {
    return List.copyOf(values.keySet());
  }

  /** Whether {@code key} holds a mapping, for a key that may be written as a value or as a section. */
  public boolean isSection(String key) {
    return values.get(key) instanceof Map<?, ?>;
  }

  public String string(String key, String fallback) {
    Object v = take(key);
    if (v == null) {
      return fallback;
    }
    return scalar(key, v, "a text").toString();
  }

  public String nonEmptyString(String key, String fallback) {
    String s = string(key, fallback);
    if (s == null || s.isEmpty()) {
      throw error(key, "must not be empty");
    }
    return s;
  }

  public int integer(String key, int fallback, int min, int max) {
    Object v = take(key);
    if (v == null) {
      return fallback;
    }
    scalar(key, v, "a whole number");
    long n;
    if (v instanceof Number number && !(v instanceof Double || v instanceof Float)) {
      n = number.longValue();
    } else {
      try {
        n = Long.parseLong(v.toString().trim());
      } catch (NumberFormatException e) {
        throw error(key, ConfigException.quote(v.toString()) + " is not a whole number");
      }
    }
    if (n < min || n > max) {
      throw error(key, n + " is outside " + min + ".." + max);
    }
    return (int) n;
  }

  public int port(String key, int fallback) {
    return integer(key, fallback, 1, 65535);
  }

  public boolean bool(String key, boolean fallback) {
    Object v = take(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    return switch (scalar(key, v, "true or false").toString().trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error(key, ConfigException.quote(v.toString()) + " is not true or false");
    };
  }

  public Duration duration(String key, Duration fallback) {
    Object v = take(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Durations.parse(scalar(key, v, "a duration").toString());
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  /** A duration of what runs again and again, at least {@link Durations#MIN}. */
  public Duration durationAtLeastMin(String key, Duration fallback) {
    Duration d = duration(key, fallback);
    try {
      return Durations.atLeastMin(d);
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  /** The mapping under {@code key}, empty when absent. */
  public ConfigReader section(String key) {
    Object v = take(key);
    String path = path(key);
    Map<String, String> childOrigins = new LinkedHashMap<>();
    origins.forEach((k, o) -> {
      if (k.startsWith(key + ".")) {
        childOrigins.put(k.substring(key.length() + 1), o);
      }
    });
    if (v == null) {
      return new ConfigReader(path + ".", new LinkedHashMap<>(), childOrigins);
    }
    if (!(v instanceof Map<?, ?> map)) {
      throw error(key, "must be a mapping of keys to values, not " + describe(v));
    }
    return new ConfigReader(path + ".", copy(map, path), childOrigins);
  }

  /**
   * The mappings listed under {@code key}, empty when absent; an entry that is not a mapping is refused by its index,
   * as in {@code targets[0]}. With {@link #texts} the only way to read a list, so that no entry is ever turned into text
   * before it is known to be a scalar.
   */
  public List<Map<?, ?>> mappings(String key) {
    List<?> list = list(key);
    List<Map<?, ?>> mappings = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> map)) {
        throw error(key, i, "must be a mapping of keys to values, not " + describe(list.get(i)));
      }
      mappings.add(map);
    }
    return mappings;
  }

  private List<?> list(String key) {
    Object v = take(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw error(key, "must be a list, not " + describe(v));
    }
    return list;
  }

  /**
   * The texts listed under {@code key}, empty when absent; an entry that is a list or mapping is refused by its index,
   * as in {@code dns.servers[0]}.
   */
  public List<String> texts(String key) {
    List<?> list = list(key);
    List<String> texts = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Object v = list.get(i);
      if (!isScalar(v)) {
        throw error(key, i, "must be a text, not " + describe(v));
      }
      texts.add(v.toString());
    }
    return texts;
  }

  /** Whether {@code v} is a single value (text, number or boolean), not a list, a mapping or nothing. */
  public static boolean isScalar(Object v) {
    return v != null && !(v instanceof Map<?, ?>) && !(v instanceof List<?>);
  }

  /** Refuses any key that was not read: it is misspelled or belongs elsewhere. */
  public void done() {
    for (String key : values.keySet()) {
      if (!read.contains(key)) {
        String meant = Spelling.meant(key, read).map(known -> "did you mean " + known + "? ").orElse("");
        throw new ConfigException(ConfigException.excerpt(path(key)),
            "unknown key (" + meant + "known keys here: " + String.join(", ", read) + ")");
      }
    }
  }

  /**
   * The error for {@code key}, required and absent. A key present here that is a slip of it is named too, since the
   * user wrote the value and only misspelt its key.
   */
  public ConfigException missing(String key) {
    return error(key, values.keySet().stream().filter(present -> !present.equals(key) && Spelling.slip(present, key))
        .findFirst()
        .map(present -> "is required (is " + ConfigException.excerpt(present) + " here a misspelling of it?)")
        .orElse("is required"));
  }

  public ConfigException error(String key, String reason) {
    String origin = origins.get(key);
    return new ConfigException(origin == null ? path(key) : path(key) + " (from " + origin + ")", reason);
  }

  /** An error about the entry at {@code index} of the list under {@code key}. */
  public ConfigException error(String key, int index, String reason) {
    return new ConfigException(path(key) + "[" + index + "]", reason);
  }

  /** {@code v}, refused unless it is a scalar; {@code expected} says what it should be, as in {@code a duration}. */
  private Object scalar(String key, Object v, String expected) {
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      throw error(key, "must be " + expected + ", not " + describe(v));
    }
    return v;
  }

  private Object take(String key) {
    read.add(key);
    return values.get(key);
  }

  private String path(String key) {
    return prefix + key;
  }

  private static Map<String, Object> copy(Map<?, ?> map, String path) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (!(k instanceof String s)) {
        throw new ConfigException((path.isEmpty() ? "" : path + ": ") + "key " + describe(k) + " must be a text");
      }
      out.put(s, v);
    });
    return out;
  }

  /** {@code v} as a message shows it: a list or mapping by its kind alone, never by its content. */
  private static String describe(Object v) {
    if (v instanceof Map<?, ?>) {
      return "a mapping";
    }
    if (v instanceof List<?>) {
      return "a list";
    }
    if (v == null) {
      return "nothing";
    }
    return ConfigException.quote(v.toString());
  }
}
