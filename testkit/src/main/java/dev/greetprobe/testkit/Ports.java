package dev.greetprobe.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for a test to listen on, for a config that must name its port before the server starts. */
public final class Ports {

  private Ports() {
  }

  /** A TCP port that is free on every address now; port 0 is better wherever the server can report its own. */
  public static int free() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port", e);
    }
  }

  /** A port free on loopback for both TCP and UDP, as a DNS server takes both. */
  public static int freeTcpAndUdp() {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int attempt = 0; ; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, loopback);
          DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), loopback)) {
        return udp.getLocalPort();
      } catch (IOException e) {
        if (attempt == 20) {
          throw new UncheckedIOException("no port free for both TCP and UDP", e);
        }
      }
    }
  }
}
