package dev.greetprobe.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java [options] -jar JAR} or {@code java [options] -cp CLASSPATH MAIN}, on the JDK that runs the tests: the
 * services run as an operator runs them, in a JVM of their own.
 */
public final class JavaCommand {

  private final List<String> options;
  private final List<String> program;

  private JavaCommand(List<String> options, List<String> program) {
    this.options = List.copyOf(options);
    this.program = List.copyOf(program);
  }

  /** {@code java -jar jar}. */
  public static JavaCommand jar(Path jar) {
    return new JavaCommand(List.of(), List.of("-jar", jar.toString()));
  }

  /** {@code main}'s {@code main} on the class path of the JVM that runs the test. */
  public static JavaCommand mainClass(Class<?> main) {
    return new JavaCommand(List.of(), List.of("-cp", System.getProperty("java.class.path"), main.getName()));
  }

  /** A tool of the JDK that runs the tests, such as {@code java} or {@code jcmd}. */
  public static Path jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name);
  }

  /** With JVM options such as {@code -Xmx64m}, before the jar or main class. */
  public JavaCommand options(String... added) {
    List<String> all = new ArrayList<>(options);
    all.addAll(List.of(added));
    return new JavaCommand(all, program);
  }

  /** With {@code -Dname=value}. */
  public JavaCommand systemProperty(String name, String value) {
    return options("-D" + name + "=" + value);
  }

  /** The command, with {@code arguments} for the program. */
  public Command arguments(Object... arguments) {
    List<Object> command = new ArrayList<>();
    command.add(jdkTool("java"));
    command.addAll(options);
    command.addAll(program);
    command.addAll(List.of(arguments));
    return Command.of(command);
  }
}
