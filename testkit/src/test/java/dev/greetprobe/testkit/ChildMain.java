package dev.greetprobe.testkit;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The program {@link ChildProcessTest} runs in a JVM of its own: it prints its system property {@code greeting}, its
 * arguments and its environment variable {@code CHILD_NAME}, then serves {@code /ready} on the port of its first
 * argument until it is stopped.
 */
public final class ChildMain {

  private ChildMain() {
  }

  public static void main(String[] args) throws Exception {
    System.out.println("greeting " + System.getProperty("greeting"));
    System.out.println("arguments " + String.join(" ", args));
    System.out.println("CHILD_NAME " + System.getenv("CHILD_NAME"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        Integer.parseInt(args[0])), 0);
    server.createContext("/ready", exchange -> {
      byte[] body = "ready\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    System.out.println("serving on " + server.getAddress().getPort());
  }
}
