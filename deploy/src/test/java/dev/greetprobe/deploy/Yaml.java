package dev.greetprobe.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Reads YAML files as plain maps and lists. */
final class Yaml {

  private Yaml() {
  }

  static Map<String, Object> load(Path file) {
    return map(new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(Project.read(file)));
  }

  /** A YAML text, such as a file held in a ConfigMap, as a map. */
  static Map<String, Object> parse(String text) {
    return map(new Load(LoadSettings.builder().build()).loadFromString(text));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node) {
    return node == null ? Map.of() : (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object node) {
    return node == null ? List.of() : (List<Object>) node;
  }
}
