package dev.greetprobe.greeter.epoll;

import dev.greetprobe.greeter.admission.AdmissionControl;
import dev.greetprobe.greeter.metrics.GreeterMetrics;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greets a plain connection the moment it is accepted, through the socket itself: admission, one write, one close, as
 * nginx answers it. For greetings without TLS or PROXY protocol, on Linux's epoll transport ({@link DirectListener}).
 */
public final class DirectGreeter {

  /**
   * A greeting this short always fits the empty send buffer of a new connection (Linux starts it at 16 KiB and never
   * below 4 KiB), so one non-blocking write takes all of it or fails: no client gets part of a greeting.
   */
  public static final int MAX_GREETING_BYTES = 1024;

  private static final Logger log = LoggerFactory.getLogger(DirectGreeter.class);

  // Shared by every loop and never moved: each write names the bytes by position and limit.
  private final ByteBuffer greeting;
  private final GreeterMetrics metrics;
  private final AdmissionControl admission;

  DirectGreeter(byte[] greeting, GreeterMetrics metrics, AdmissionControl admission) {
    this.greeting = ByteBuffer.allocateDirect(greeting.length).put(greeting).flip();
    this.metrics = metrics;
    this.admission = admission;
  }

  /** Greets and closes the accepted connection {@code socket} from {@code client}, or closes it if not admitted. */
  void greet(FileDescriptor socket, InetSocketAddress client) {
    metrics.accepted();
    try {
      // Zero bytes written means the kernel is short of socket memory: the client is closed ungreeted.
      if (admission.admit(client)
          && socket.write(greeting, greeting.position(), greeting.limit()) == greeting.remaining()) {
        metrics.greeted();
      }
    } catch (IOException clientGone) {
      log.debug("connection from {} failed: {}", client, clientGone.toString());
    } finally {
      close(socket);
    }
  }

  private static void close(FileDescriptor socket) {
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("closing a greeted connection failed: {}", e.toString());
    }
  }
}
