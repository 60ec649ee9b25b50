package dev.greetprobe.testkit;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A command line to run as a child process: its arguments, what it changes of the environment it inherits from the
 * test, and the folder it runs in (null: the test's own).
 */
public record Command(List<String> arguments, Map<String, String> environment, Set<String> unset, Path directory) {

  public Command {
    arguments = List.copyOf(arguments);
    environment = Map.copyOf(environment);
    unset = Set.copyOf(unset);
    if (arguments.isEmpty()) {
      throw new IllegalArgumentException("a command needs a program");
    }
  }

  /** The program and its arguments, each written as its {@code toString()}: paths and numbers as they are. */
  public static Command of(Object... arguments) {
    return of(List.of(arguments));
  }

  public static Command of(List<?> arguments) {
    return new Command(arguments.stream().map(Object::toString).toList(), Map.of(), Set.of(), null);
  }

  /** This command with {@code added} set in its environment. */
  public Command withEnvironment(Map<String, String> added) {
    Map<String, String> merged = new LinkedHashMap<>(environment);
    merged.putAll(added);
    return new Command(arguments, merged, unset, directory);
  }

  /**
   * This command without the variables {@code names} in the environment it inherits: a test's own environment must
   * not override the config it gives.
   */
  public Command withoutEnvironment(Collection<String> names) {
    Set<String> removed = new TreeSet<>(unset);
    removed.addAll(names);
    return new Command(arguments, environment, removed, directory);
  }

  /** This command, run in {@code folder}. */
  public Command in(Path folder) {
    return new Command(arguments, environment, unset, folder);
  }

  ProcessBuilder processBuilder() {
    ProcessBuilder builder = new ProcessBuilder(arguments);
    builder.environment().keySet().removeAll(unset);
    builder.environment().putAll(environment);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    return builder;
  }

  @Override
  public String toString() {
    return String.join(" ", arguments);
  }
}
