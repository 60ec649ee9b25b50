package dev.greetprobe.probe;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.common.ConfigFile;
import dev.greetprobe.common.NativeEpoll;
import dev.greetprobe.probe.config.ConfigSource;
import dev.greetprobe.probe.config.Peers;
import dev.greetprobe.probe.config.ProbeConfig;
import dev.greetprobe.probe.config.Shard;
import dev.greetprobe.probe.config.ShardAssignment;
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
    try {
      config = ProbeService.validate(new ConfigSource.File(file, environment), ConfigFile.read(file),
          NativeEpoll::refusalHere);
      // A peer's share depends on the live peers, which only a running probe knows: its budget is checked then.
      if (config.shard() instanceof Shard shard) {
        ProbeService.budget(config).check(ShardAssignment.of(shard, config.targets()));
      }
    } catch (ConfigException e) {
      err.println(ProbeMain.refusal(e));
      return 2;
    }
    out.println(summary(config, environment));
    return 0;
  }

  private static String summary(ProbeConfig config, Map<String, String> environment) {
    long tls = config.targets().stream().filter(target -> target.tls() != null).count();
    String summary = "probe config OK: " + config.targets().size() + " targets (" + tls + " tls), "
        + sharing(config) + ", transport " + config.transport().label();
    List<String> overrides = ProbeConfig.ENVIRONMENT.keySet().stream().filter(environment::containsKey).sorted()
        .toList();
    return overrides.isEmpty() ? summary : summary + "; from the environment: " + String.join(", ", overrides);
  }

  private static String sharing(ProbeConfig config) {
    if (config.shard() instanceof Peers peers) {
      return "peers from " + peers.name() + " as " + peers.self() + ", replicas " + peers.replicas();
    }
    Shard shard = (Shard) config.shard();
    return "shard " + shard.index() + "/" + shard.count() + (shard.count() == 1 ? ""
        : " probes " + ShardAssignment.of(shard, config.targets()).held().size());
  }
}
