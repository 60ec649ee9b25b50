package dev.greetprobe.deploy.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One mapping of a rendered manifest, read strictly: each key is read, or declared {@link NotHonoured}, before
 * {@link #done()}, which refuses whatever is left. A field that the runner does not know therefore stops the run
 * with its path, rather than being passed over in silence.
 */
final class Fields {

  private final String path;
  private final Map<String, Object> map;
  private final Set<String> read = new LinkedHashSet<>();

  private Fields(String path, Map<String, Object> map) {
    this.path = path;
    this.map = map;
  }

  /** {@code node} as a mapping, or an error naming {@code path}. */
  @SuppressWarnings("unchecked")
  static Fields of(String path, Object node) {
    if (node == null) {
      return new Fields(path, Map.of());
    }
    if (!(node instanceof Map<?, ?> map)) {
      throw new ManifestException(path + ": a mapping was expected, not " + node);
    }
    return new Fields(path, (Map<String, Object>) map);
  }

  String path() {
    return path;
  }

  String path(String key) {
    return path + "." + key;
  }

  boolean has(String key) {
    return map.containsKey(key);
  }

  Optional<Object> raw(String key) {
    read.add(key);
    return Optional.ofNullable(map.get(key));
  }

  String string(String key) {
    return optionalString(key).orElseThrow(() -> new ManifestException(path(key) + ": is required"));
  }

  Optional<String> optionalString(String key) {
    return raw(key).map(String::valueOf);
  }

  Optional<Integer> optionalInt(String key) {
    return raw(key).map(value -> {
      if (value instanceof Number number) {
        return number.intValue();
      }
      throw new ManifestException(path(key) + ": a number was expected, not " + value);
    });
  }

  Optional<Boolean> optionalBoolean(String key) {
    return raw(key).map(value -> {
      if (value instanceof Boolean bool) {
        return bool;
      }
      throw new ManifestException(path(key) + ": true or false was expected, not " + value);
    });
  }

  Fields fields(String key) {
    return of(path(key), raw(key).orElse(null));
  }

  Optional<Fields> optionalFields(String key) {
    return raw(key).map(node -> of(path(key), node));
  }

  /** A list of mappings; each element's path is the list's, so that {@link NotHonoured} names it once. */
  List<Fields> list(String key) {
    List<Fields> elements = new ArrayList<>();
    for (Object element : rawList(key)) {
      elements.add(of(path(key), element));
    }
    return elements;
  }

  List<String> strings(String key) {
    return rawList(key).stream().map(String::valueOf).toList();
  }

  Map<String, String> stringMap(String key) {
    Map<String, String> strings = new LinkedHashMap<>();
    fields(key).map.forEach((name, value) -> strings.put(name, String.valueOf(value)));
    return strings;
  }

  /** Reads a key that the runner cannot honour on one machine, as {@link NotHonoured} lists it. */
  void notHonoured(String key, String listedAs) {
    if (raw(key).isPresent()) {
      NotHonoured.require(listedAs);
    }
  }

  /** Refuses every key that was not read. */
  void done() {
    Set<String> unread = new LinkedHashSet<>(map.keySet());
    unread.removeAll(read);
    if (!unread.isEmpty()) {
      throw new ManifestException(unread.stream().map(this::path).toList()
          + ": not understood by the local runner; honour it in the runner, or list it in NotHonoured with the reason");
    }
  }

  private List<?> rawList(String key) {
    Object node = raw(key).orElse(List.of());
    if (!(node instanceof List<?> list)) {
      throw new ManifestException(path(key) + ": a list was expected, not " + node);
    }
    return list;
  }
}
