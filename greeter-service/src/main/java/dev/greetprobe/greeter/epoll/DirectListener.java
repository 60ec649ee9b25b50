package dev.greetprobe.greeter.epoll;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.NativeInetAddress;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop's listening socket for a plain greeting, registered with the loop's epoll as a bare file descriptor
 * rather than a Netty server channel. Each turn that finds it ready accepts one connection, which {@link DirectGreeter}
 * greets and closes there and then: the connection never becomes a channel object. A channel makes system calls on
 * construction alone that a greeting never needs ({@code getsockname} twice, {@code TCP_NODELAY}, {@code SO_SNDBUF});
 * without it a connection costs the loop {@code accept4}, {@code write} and {@code close}, as it costs nginx.
 */
final class DirectListener implements EpollIoHandle, GreetingServer.Listener {

  /**
   * How long to stop accepting after {@code accept} fails, as Netty's acceptor does: the usual cause is running out of
   * file descriptors, and the client it could not take stays queued, so the loop would otherwise spin on it.
   */
  static final long PAUSE_AFTER_FAILED_ACCEPT_MILLIS = 1_000;

  private static final Logger log = LoggerFactory.getLogger(DirectListener.class);

  private final LinuxSocket socket;
  private final IoEventLoop loop;
  private final DirectGreeter greeter;
  // Where accept writes the client's address, in Netty's native layout: its length, then address and port.
  private final byte[] client = new byte[25];
  private IoRegistration registration;

  private DirectListener(LinuxSocket socket, IoEventLoop loop, DirectGreeter greeter) {
    this.socket = socket;
    this.loop = loop;
    this.greeter = greeter;
  }

  /**
   * Listens on {@code address}, sharing the port with the other loops' listeners ({@code SO_REUSEPORT}), and accepts
   * on {@code loop}.
   */
  static Future<GreetingServer.Listener> open(IoEventLoop loop, InetSocketAddress address, int backlog,
      DirectGreeter greeter) {
    LinuxSocket socket = newSocket(address.getAddress());
    try {
      socket.setReuseAddress(true);
      socket.setReusePort(true);
      socket.bind(address);
      socket.listen(backlog);
    } catch (IOException e) {
      closeQuietly(socket);
      return Future.failedFuture(e);
    }
    DirectListener listener = new DirectListener(socket, loop, greeter);
    Promise<GreetingServer.Listener> listening = Promise.promise();
    io.netty.util.concurrent.Future<IoRegistration> registered = loop.register(listener);
    registered.addListener(done -> {
      if (registered.isSuccess()) {
        listener.registration = registered.getNow();
        listener.registration.submit(EpollIoOps.EPOLLIN);
        listening.complete(listener);
      } else {
        closeQuietly(socket);
        listening.fail(registered.cause());
      }
    });
    return listening.future();
  }

  /**
   * The wildcard IPv4 address gets a dual-stack socket wherever IPv6 is available, as Netty's listener had, so that
   * IPv6 clients are greeted too; any other address a socket of its own family, so that the clients of an IPv4
   * address are not mapped into IPv6 (which costs the kernel more on every connection).
   */
  private static LinuxSocket newSocket(InetAddress address) {
    if (address instanceof Inet6Address) {
      return LinuxSocket.newSocketStream(SocketProtocolFamily.INET6);
    }
    return address.isAnyLocalAddress() ? LinuxSocket.newSocketStream()
        : LinuxSocket.newSocketStream(SocketProtocolFamily.INET);
  }

  @Override
  public void handle(IoRegistration registration, IoEvent event) {
    int accepted;
    try {
      accepted = socket.accept(client);
    } catch (IOException e) {
      log.warn("accepting a connection on {} failed, accepting again in {} ms: {}", socket.localAddress(),
          PAUSE_AFTER_FAILED_ACCEPT_MILLIS, e.toString());
      registration.submit(EpollIoOps.EPOLLERR);
      loop.schedule(this::acceptAgain, PAUSE_AFTER_FAILED_ACCEPT_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    if (accepted >= 0) {
      greeter.greet(new FileDescriptor(accepted), NativeInetAddress.address(client, 1, client[0]));
    }
  }

  private void acceptAgain() {
    if (registration.isValid()) {
      registration.submit(EpollIoOps.EPOLLIN);
    }
  }

  @Override
  public FileDescriptor fd() {
    return socket;
  }

  /** Closes the socket: new clients are refused, and those queued but not yet accepted are reset. */
  @Override
  public Future<Void> stopAccepting() {
    Promise<Void> stopped = Promise.promise();
    loop.execute(() -> {
      registration.cancel();
      closeQuietly(socket);
      stopped.complete();
    });
    return stopped.future();
  }

  /** Called by the loop as it shuts down. */
  @Override
  public void close() {
    closeQuietly(socket);
  }

  private static void closeQuietly(LinuxSocket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("closing a listening socket failed: {}", e.toString());
    }
  }
}
