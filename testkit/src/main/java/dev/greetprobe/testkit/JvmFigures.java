package dev.greetprobe.testkit;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a running JVM says of itself when the JDK's {@code jcmd} asks it. */
public final class JvmFigures {

  /** jcmd attaches to the JVM, which on two busy cores can take most of a minute. */
  private static final Duration JCMD = Duration.ofSeconds(60);

  private JvmFigures() {
  }

  /**
   * Seconds the JIT's compilers have worked since {@code jvm} started (its {@code java.ci.totalTime} counter). While it
   * still grows, the process is warming up, not running as it will for the rest of its life. Read from the JVM because
   * compiler threads come and go, taking their CPU time in /proc with them.
   */
  public static double compilerSeconds(ChildProcess jvm) {
    String counters = jcmd(jvm, "PerfCounter.print");
    return counter(counters, "java.ci.totalTime") / counter(counters, "sun.os.hrt.frequency");
  }

  /** Heap in use right after a full GC, in MiB. */
  public static double heapAfterGcMiB(ChildProcess jvm) {
    jcmd(jvm, "GC.run");
    Matcher m = Pattern.compile("used (\\d+)K").matcher(jcmd(jvm, "GC.heap_info"));
    if (!m.find()) {
      throw new IllegalStateException("jcmd GC.heap_info of " + jvm + " says nothing of the heap used");
    }
    return Long.parseLong(m.group(1)) / 1024.0;
  }

  private static double counter(String counters, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(\\d+)$").matcher(counters);
    if (!m.find()) {
      throw new IllegalStateException("jcmd PerfCounter.print has no " + name);
    }
    return Double.parseDouble(m.group(1));
  }

  private static String jcmd(ChildProcess jvm, String command) {
    return ChildProcess.run(Command.of(JavaCommand.jdkTool("jcmd"), jvm.pid(), command), JCMD).text();
  }
}
