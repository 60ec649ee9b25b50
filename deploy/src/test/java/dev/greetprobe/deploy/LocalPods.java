package dev.greetprobe.deploy;

import dev.greetprobe.deploy.local.LocalCluster;
import dev.greetprobe.deploy.local.LocalCluster.Pod;
import dev.greetprobe.testkit.Http;
import dev.greetprobe.testkit.PrometheusText;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the containers tests ask of the local runner's pods: their greetings, pages and metrics. */
final class LocalPods {

  static final String GREETING = "Thank You for Connecting";
  static final String GREETER = "Deployment/greeter";
  static final String PROBE = "StatefulSet/probe";
  /** The probe's interval in the manifests, and room for a first probe at its offset. */
  static final Duration FIRST_PROBE = Duration.ofSeconds(30);
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

  private LocalPods() {
  }

  /** probe_success for {@code target} from every probe pod that holds it. */
  static List<Double> successes(LocalCluster cluster, String target) throws Exception {
    List<Double> values = new ArrayList<>();
    for (Pod probe : cluster.pods(PROBE)) {
      PrometheusText.parse(Http.body(url(probe, "/metrics"))).samples("probe_success").stream()
          .filter(sample -> target.equals(sample.label("target")))
          .forEach(sample -> values.add(sample.value()));
    }
    return values;
  }

  /** A path on the pod's port named metrics, where both services serve HTTP. */
  static String url(Pod pod, String path) {
    return "http://" + pod.ip() + ":" + pod.port("metrics") + path;
  }

  /** All that the greeter pod writes to {@code socket} (plain or TLS) before it closes. */
  static String read(Socket socket, Pod greeter) throws IOException {
    try (socket) {
      if (!socket.isConnected()) {
        socket.connect(new InetSocketAddress(greeter.ip(), greeter.port("greeting")), (int) SOCKET_TIMEOUT.toMillis());
      }
      socket.setSoTimeout((int) SOCKET_TIMEOUT.toMillis());
      try (InputStream in = socket.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      }
    }
  }
}
