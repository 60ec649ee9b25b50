package dev.greetprobe.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a test to listen on, for a config that must name its port before the server starts.
 *
 * <p>They come from below the kernel's ephemeral range. A port of that range, free when it is checked, is the kernel's
 * to hand to any outgoing connection until the server binds it: a probe's, a health check's, another test's. One that
 * did made a service fail its start with "Address already in use". Below the range only a listener takes a port.
 */
public final class Ports {

  /** Above the ports that local services commonly listen on. */
  private static final int LOWEST = 10_000;
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int ATTEMPTS = 200;
  /** Handed out by this JVM already: each goes to one server only. */
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private Ports() {
  }

  /** A TCP port that is free on every address now; port 0 is better wherever the server can report its own. */
  public static int free() {
    return take(false);
  }

  /** A port free on loopback for both TCP and UDP, as a DNS server takes both. */
  public static int freeTcpAndUdp() {
    return take(true);
  }

  private static synchronized int take(boolean udpToo) {
    int ephemeral = lowestEphemeral();
    IOException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      // Where the kernel keeps no ephemeral range, or none above these, its own choice is all there is.
      int candidate = ephemeral > LOWEST ? ThreadLocalRandom.current().nextInt(LOWEST, ephemeral) : 0;
      if (HANDED_OUT.contains(candidate)) {
        continue;
      }
      try {
        int port = bind(candidate, udpToo);
        HANDED_OUT.add(port);
        return port;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new UncheckedIOException("no free " + (udpToo ? "TCP and UDP" : "TCP") + " port below " + ephemeral, last);
  }

  /**
   * Binds {@code port} and lets it go. Without address reuse, so that a port is refused while connections to a former
   * listener on it still wait out their close: a server that binds without reuse would be refused it too.
   */
  private static int bind(int port, boolean udpToo) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket tcp = new ServerSocket()) {
      tcp.setReuseAddress(false);
      tcp.bind(udpToo ? new InetSocketAddress(loopback, port) : new InetSocketAddress(port), 1);
      if (!udpToo) {
        return tcp.getLocalPort();
      }
      try (DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), loopback)) {
        return udp.getLocalPort();
      }
    }
  }

  /**
   * The first port of the kernel's ephemeral range, or 0 where it says none. Read by lines: a whole read of a file of
   * /proc, which reports no size, stops short.
   */
  private static int lowestEphemeral() {
    try {
      return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
