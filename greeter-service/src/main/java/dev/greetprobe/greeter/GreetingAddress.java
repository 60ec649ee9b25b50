package dev.greetprobe.greeter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Where the greeting port listens, found by binding the configured address once, alone, and letting it go. Each
 * transport then listens on it several times over (a listener per event loop, or a Vert.x server per verticle), and
 * either would join a listener already there (epoll's {@code SO_REUSEPORT}, Vert.x's sharing of a port between the
 * servers of one Vert.x) instead of failing; port 0 becomes the one free port they all share.
 */
final class GreetingAddress {

  private GreetingAddress() {
  }

  /** Blocks while it binds; fails, naming the address, when the port is taken or cannot be bound. */
  static InetSocketAddress claim(String host, int port) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    try (ServerSocket claim = new ServerSocket()) {
      claim.setReuseAddress(true);
      claim.bind(new InetSocketAddress(address, port));
      return new InetSocketAddress(address, claim.getLocalPort());
    } catch (IOException e) {
      throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }
}
