package dev.greetprobe.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * A config as a YAML document built from keys, maps and lists, written as text for the service's own parser: a test
 * builds its config the way an operator writes one, and the edge's validation reads it as it reads theirs.
 */
public final class ConfigYaml {

  private static final Dump DUMP = new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build());

  private final Map<String, Object> document;

  private ConfigYaml(Map<String, Object> document) {
    this.document = document;
  }

  public static ConfigYaml empty() {
    return new ConfigYaml(new LinkedHashMap<>());
  }

  /**
   * This document with {@code value} at {@code key}; a dotted key ({@code http.port}) sets a key of a section, made
   * where it is missing. A {@link Duration} is written in milliseconds ({@code 1500ms}), a {@link Path} as its text,
   * maps and lists as they are, their values converted alike.
   */
  public ConfigYaml with(String key, Object value) {
    Map<String, Object> copy = copy(document);
    Map<String, Object> section = copy;
    String[] path = key.split("\\.");
    for (int i = 0; i < path.length - 1; i++) {
      Object inner = section.get(path[i]);
      if (inner != null && !(inner instanceof Map)) {
        throw new IllegalArgumentException(key + ": " + path[i] + " is not a section");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> next = inner == null ? new LinkedHashMap<>() : (Map<String, Object>) inner;
      section.put(path[i], next);
      section = next;
    }
    section.put(path[path.length - 1], yaml(value));
    return new ConfigYaml(copy);
  }

  /** The document as YAML text, in block style. */
  public String text() {
    return DUMP.dumpToString(document);
  }

  /** Writes the text to {@code file}; returns the file. */
  public Path write(Path file) {
    try {
      return Files.writeString(file, text());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The document as maps, lists and scalars, not to be changed. */
  public Map<String, Object> document() {
    return Collections.unmodifiableMap(copy(document));
  }

  @Override
  public String toString() {
    return text();
  }

  private static Object yaml(Object value) {
    if (value instanceof Duration d) {
      return d.toMillis() + "ms";
    }
    if (value instanceof Path p) {
      return p.toString();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> converted = new LinkedHashMap<>();
      map.forEach((k, v) -> converted.put(k.toString(), yaml(v)));
      return converted;
    }
    if (value instanceof List<?> list) {
      List<Object> converted = new ArrayList<>();
      list.forEach(v -> converted.add(yaml(v)));
      return converted;
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<String, Object> map) {
    return (Map<String, Object>) yaml(map);
  }
}
