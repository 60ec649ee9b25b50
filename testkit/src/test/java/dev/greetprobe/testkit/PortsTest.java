package dev.greetprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Ports that a server can take right after. */
class PortsTest {

  @Test
  void aFreePortCanBeListenedOn() throws Exception {
    int port = Ports.free();

    try (ServerSocket server = new ServerSocket(port)) {
      assertThat(server.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void aFreeTcpAndUdpPortCanBeTakenByBoth() throws Exception {
    int port = Ports.freeTcpAndUdp();
    InetAddress loopback = InetAddress.getLoopbackAddress();

    try (ServerSocket tcp = new ServerSocket(port, 1, loopback); DatagramSocket udp = new DatagramSocket(port, loopback)) {
      assertThat(tcp.getLocalPort()).isEqualTo(udp.getLocalPort()).isEqualTo(port);
    }
  }
}
