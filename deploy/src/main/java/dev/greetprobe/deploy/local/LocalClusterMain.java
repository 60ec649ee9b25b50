package dev.greetprobe.deploy.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.concurrent.CountDownLatch;

/**
 * {@code deploy/local/run}'s runner: starts the named workloads of a rendered kustomization under podman, says where
 * each pod answers, and stops them as the kubelet would when this process is stopped.
 *
 * <pre>java ... LocalClusterMain RENDERED.yaml WORK_DIR Deployment/greeter StatefulSet/probe</pre>
 */
public final class LocalClusterMain {

  private LocalClusterMain() {
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 3) {
      System.err.println("usage: LocalClusterMain RENDERED.yaml WORK_DIR KIND/NAME...");
      System.exit(2);
    }
    String rendered = Files.readString(Path.of(args[0]));
    LocalCluster cluster;
    try {
      cluster = LocalCluster.start(rendered, new LinkedHashSet<>(Arrays.asList(args).subList(2, args.length)),
          Path.of(args[1]));
    } catch (ManifestException e) {
      System.err.println("local: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (LocalCluster.Pod pod : cluster.pods()) {
        LocalCluster.Stopped stop = cluster.stop(pod);
        System.err.printf("local: %s stopped in %.1f s, exit code %d%n", pod.name(), stop.took().toMillis() / 1e3,
            stop.exitCode());
      }
      cluster.close();
      stopped.countDown();
    }));
    System.err.println("local: every pod is ready; Ctrl-C stops them as the kubelet would. Each pod, and its ports:");
    for (LocalCluster.Pod pod : cluster.pods()) {
      StringBuilder ports = new StringBuilder();
      pod.ports().forEach((name, port) -> ports.append(' ').append(name).append(' ')
          .append(pod.ip()).append(':').append(port));
      System.err.printf("  %-12s%s%n", pod.name(), ports);
    }
    System.err.println("  NotHonoured here: " + String.join(", ", NotHonoured.reasons().keySet()));
    stopped.await();
  }
}
