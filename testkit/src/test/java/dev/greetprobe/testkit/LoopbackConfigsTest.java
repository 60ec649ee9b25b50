package dev.greetprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configs of the services on loopback. */
class LoopbackConfigsTest {

  @Test
  void aGreeterOnLoopbackHasTwoPortsItCanListenOn() throws Exception {
    Map<String, Object> greeter = LoopbackConfigs.greeter().document();
    Map<?, ?> http = (Map<?, ?>) greeter.get("http");

    assertThat(greeter.get("host")).isEqualTo("127.0.0.1");
    assertThat(http.get("host")).isEqualTo("127.0.0.1");
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket greeting = new ServerSocket((Integer) greeter.get("port"), 1, loopback);
        ServerSocket ops = new ServerSocket((Integer) http.get("port"), 1, loopback)) {
      assertThat(greeting.getLocalPort()).isNotEqualTo(ops.getLocalPort());
    }
  }
}
