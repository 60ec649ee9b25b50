package dev.greetprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Ports that a server can take right after, and that no outgoing connection takes first. */
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

  @Test
  void portsComeFromBelowTheKernelsEphemeralRangeWhereNoConnectTakesThem() throws Exception {
    int ephemeral = Integer.parseInt(
        Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);

    assertThat(Ports.free()).isLessThan(ephemeral);
    assertThat(Ports.freeTcpAndUdp()).isLessThan(ephemeral);
  }

  @Test
  void noPortIsHandedOutTwice() {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      assertThat(ports.add(i % 2 == 0 ? Ports.free() : Ports.freeTcpAndUdp())).as("port %d handed out again", i).isTrue();
    }
  }
}
