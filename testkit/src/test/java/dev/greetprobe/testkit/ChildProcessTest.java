package dev.greetprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes: a JVM of its own, and bash. */
class ChildProcessTest {

  private static final Duration WITHIN = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void aJavaProgramGetsItsSystemPropertiesArgumentsAndEnvironmentAndIsReadyWhenItAnswers() throws Exception {
    int port = Ports.free();
    Command command = JavaCommand.mainClass(ChildMain.class).systemProperty("greeting", "hello")
        .arguments(port, "two").withEnvironment(Map.of("CHILD_NAME", "kid"));

    try (ChildProcess child = ChildProcess.start("child", command, dir.resolve("child.log"))) {
      child.awaitReady(Http.loopback(port, "/ready"), WITHIN);
      child.awaitListening(port, WITHIN);

      assertThat(child.awaitLine("greeting", WITHIN)).isEqualTo("greeting hello");
      assertThat(child.awaitLine("arguments", WITHIN)).isEqualTo("arguments " + port + " two");
      assertThat(child.awaitLine("CHILD_NAME", WITHIN)).isEqualTo("CHILD_NAME kid");
      assertThat(child.isRunning()).isTrue();
    }
  }

  /** A JVM's figures as a benchmark reads them: its CPU, its memory, its compilers' work, its heap after a GC. */
  @Test
  void aJavaProgramsCpuMemoryCompilerAndHeapAreReadFromOutside() throws Exception {
    int port = Ports.free();
    try (ChildProcess child = ChildProcess.start("child", JavaCommand.mainClass(ChildMain.class).arguments(port),
        dir.resolve("child.log"))) {
      child.awaitLine("serving on", WITHIN);

      assertThat(child.cpuSeconds()).as("a JVM's start costs CPU").isPositive();
      assertThat(child.rssMiB()).as("a JVM's resident memory, in MiB").isBetween(1.0, 4096.0);
      assertThat(JvmFigures.compilerSeconds(child)).isNotNegative();
      assertThat(JvmFigures.heapAfterGcMiB(child)).isBetween(0.0, 4096.0);
    }
  }

  /** nginx's workers are its children: their CPU is the server's too. */
  @Test
  void cpuSecondsCountWhatItsChildrenSpend() throws Exception {
    Command busyChild = Command.of("bash", "-c", "bash -c 'while :; do :; done' & echo started; wait");
    try (ChildProcess parent = ChildProcess.start("bash", busyChild, dir.resolve("bash.log"))) {
      parent.awaitLine("started", WITHIN);

      Awaitility.await("the child's CPU counted as the parent's").atMost(WITHIN)
          .until(() -> parent.cpuSeconds() >= 0.5);
      parent.handle().descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void sigtermEndsItAndItsExitCodeSaysSo() throws Exception {
    int port = Ports.free();
    try (ChildProcess child = ChildProcess.start("child", JavaCommand.mainClass(ChildMain.class).arguments(port),
        dir.resolve("child.log"))) {
      child.awaitLine("serving on", WITHIN);

      child.signalTerm();

      assertThat(child.awaitExit(WITHIN)).as("128 + SIGTERM").isEqualTo(143);
      assertThat(child.isRunning()).isFalse();
    }
  }

  @Test
  void aSignalTheJdkCannotSendIsSentThroughBash() throws Exception {
    Command trapsHangUp = Command.of("bash", "-c", "trap 'echo got HUP; exit 7' HUP; echo waiting; "
        + "while true; do sleep 0.05; done");
    try (ChildProcess child = ChildProcess.start("bash", trapsHangUp, dir.resolve("bash.log"))) {
      child.awaitLine("waiting", WITHIN);

      child.signal("HUP");

      assertThat(child.awaitExit(WITHIN)).isEqualTo(7);
      assertThat(child.output()).contains("got HUP");
    }
  }

  @Test
  void waitingForALineFailsAtOnceWhenTheProcessExitsWithoutPrintingIt() {
    try (ChildProcess child = ChildProcess.start("short", Command.of("bash", "-c", "echo something else; exit 3"),
        dir.resolve("short.log"))) {
      long started = System.nanoTime();

      assertThatThrownBy(() -> child.awaitLine("never printed", WITHIN))
          .hasMessageContaining("exited without printing 'never printed'").hasMessageContaining("something else");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WITHIN);
      assertThatThrownBy(() -> child.awaitReady("http://127.0.0.1:1/", WITHIN))
          .hasMessageContaining("exited with code 3");
    }
  }

  @Test
  void aLinePrintedJustBeforeExitingIsFound() {
    try (ChildProcess child = ChildProcess.start("short", Command.of("bash", "-c", "echo stopped; exit 0"),
        dir.resolve("short.log"))) {
      assertThat(child.awaitLine("stopped", WITHIN)).isEqualTo("stopped");
    }
  }

  @Test
  void aRestartedProcessAddsToItsLog() throws Exception {
    Path log = dir.resolve("twice.log");
    try (ChildProcess first = ChildProcess.start("first", Command.of("echo", "first"), log)) {
      first.awaitExit(WITHIN);
    }
    try (ChildProcess second = ChildProcess.startAppending("second", Command.of("echo", "second"), log)) {
      second.awaitExit(WITHIN);

      assertThat(second.output().lines()).containsExactly("first", "second");
    }
  }

  @Test
  void killEndsAProcessThatIgnoresSigterm() throws Exception {
    Command stubborn = Command.of("bash", "-c", "trap '' TERM; echo waiting; while true; do sleep 0.05; done");
    try (ChildProcess child = ChildProcess.start("stubborn", stubborn, dir.resolve("stubborn.log"))) {
      child.awaitLine("waiting", WITHIN);

      child.kill();

      assertThat(child.isRunning()).isFalse();
    }
  }

  @Test
  void runGivesTheExitCodeAndEachStreamAndTakesInput() {
    ChildProcess.Exit exit = ChildProcess.run(Command.of("bash", "-c", "cat; echo oops >&2; exit 4"), "in\n",
        WITHIN);

    assertThat(exit).isEqualTo(new ChildProcess.Exit(4, "in\n", "oops\n"));
    assertThat(exit.text()).isEqualTo("in\noops\n");
  }

  @Test
  void runRemovesAndAddsEnvironmentVariablesAndRunsInTheFolderGiven() {
    Command command = Command.of("bash", "-c", "echo \"${HOME:-unset} $EXTRA $PWD\"").withoutEnvironment(List.of("HOME"))
        .withEnvironment(Map.of("EXTRA", "added")).in(dir);

    assertThat(ChildProcess.run(command, WITHIN).out()).isEqualTo("unset added " + dir + "\n");
  }

  @Test
  void runFailsACommandThatOutlivesItsTime() {
    assertThatThrownBy(() -> ChildProcess.run(Command.of("bash", "-c", "echo started; sleep 30"),
        Duration.ofMillis(500)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("did not finish within").hasMessageContaining("started");
  }
}
