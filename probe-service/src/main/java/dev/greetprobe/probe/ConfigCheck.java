package dev.greetprobe.probe;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigFile;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Shard;
import dev.greetprobe.probe.config.ShardAssignment;
import dev.greetprobe.probe.epoll.BareSockets;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code --check-config FILE}: validates FILE as a start does, and so as a reload does too (a reload refuses the same,
 * short of the transport, which waits for a restart): the environment's overrides, this shard's targets against this
 * JVM's heap, and transport epoll against this machine. It starts nothing, no event loop and no port, so a config can
 * be checked beside the probe that runs.
 */
final class ConfigCheck {

  private ConfigCheck() {
  }

  /** Prints a summary and returns 0, or prints the message a start would refuse the config with and returns 2. */
  static int run(Path file, Map<String, String> environment, PrintStream out, PrintStream err) {
    ProbeConfig config;
    ShardAssignment assignment;
    try {
      config = ProbeService.validate(new ConfigSource.File(file, environment), ConfigFile.read(file),
          BareSockets::unavailableHere);
      assignment = ShardAssignment.of(config.shard(), config.targets());
      ProbeService.budget(config).check(assignment);
    } catch (ConfigException e) {
      err.println(ProbeMain.refusal(e));
      return 2;
    }
    out.println(summary(config, assignment, environment));
    return 0;
  }

  private static String summary(ProbeConfig config, ShardAssignment assignment, Map<String, String> environment) {
    Shard shard = config.shard();
    long tls = config.targets().stream().filter(target -> target.tls() != null).count();
    String summary = "probe config OK: " + assignment.total() + " targets (" + tls + " tls), shard " + shard.index()
        + "/" + shard.count() + (shard.count() == 1 ? "" : " probes " + assignment.held().size())
        + ", transport " + config.transport().label();
    List<String> overrides = ProbeConfig.ENVIRONMENT.keySet().stream().filter(environment::containsKey).sorted()
        .toList();
    return overrides.isEmpty() ? summary : summary + "; from the environment: " + String.join(", ", overrides);
  }
}
