package dev.greetprobe.probe.epoll;

import dev.greetprobe.probe.net.TcpConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * A probe's plain connection as a bare socket on its event loop's epoll, not a Netty channel: for targets without TLS
 * that send nothing, the greeting checks and plain connects that are most of a probe's work. A channel cost a probe
 * system calls it never needed ({@code epoll_ctl} again and again, socket options and addresses the probe never
 * uses) and a pipeline of objects; here a greeting check is {@code socket}, {@code getsockname} (Netty's socket
 * learning its family), {@code connect}, two {@code epoll_ctl}, {@code getsockopt} for the connect's outcome, one
 * read and {@code close}, and its share of the loop's waits.
 *
 * <p>The loop calls {@link #handle} outside any Vert.x context, so what it learns reaches the listener through
 * {@link ContextInternal#emit}, on the probe's context as a {@code NetSocket}'s events would.
 *
 * <p>The socket is watched edge-triggered, for reading and writing, from the start, so its interest never changes:
 * the first edge for writing says the connect finished, and an edge for reading says bytes or the end may be waiting.
 * That is remembered until a read finds nothing, so a read asked for after the edge is not missed.
 */
final class SocketConnection implements TcpConnection, EpollIoHandle {

  private static final EpollIoOps EDGES = EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLOUT).with(EpollIoOps.EPOLLET);
  private static final int READ_CHUNK_BYTES = 2048;

  private final IoEventLoop loop;
  private final ContextInternal context;
  private final Listener listener;
  private LinuxSocket socket;
  private IoRegistration registration;
  private PromiseInternal<Void> connecting;
  /** An edge said bytes or the end may be waiting, and no read has found nothing since. */
  private boolean readable;
  /** A read was asked for and not answered yet. */
  private boolean wanted;
  /** Reads are being served: one asked for from a delivery is served by the loop already running. */
  private boolean reading;
  private boolean closed;

  /** On {@code context}'s event loop, which must run Linux's epoll. */
  SocketConnection(ContextInternal context, Listener listener) {
    this.loop = (IoEventLoop) context.nettyEventLoop();
    this.context = context;
    this.listener = listener;
  }

  @Override
  public Future<Void> connect(InetSocketAddress remote) {
    connecting = context.promise();
    try {
      // A socket of the address's own family: an IPv6 socket reaching an IPv4 address costs more in the kernel.
      socket = LinuxSocket.newSocketStream(remote.getAddress() instanceof Inet6Address
          ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
    } catch (RuntimeException e) { // out of file descriptors, for one
      connecting.fail(e);
      return connecting;
    }
    io.netty.util.concurrent.Future<IoRegistration> registered = loop.register(this);
    registered.addListener(done -> {
      if (!registered.isSuccess()) {
        failConnecting(registered.cause());
      } else if (closed) {
        registered.getNow().cancel();
      } else {
        registration = registered.getNow();
        start(remote);
      }
    });
    return connecting;
  }

  private void start(InetSocketAddress remote) {
    try {
      registration.submit(EDGES);
      if (socket.connect(remote)) {
        connected();
      }
    } catch (IOException | RuntimeException e) {
      failConnecting(e);
    }
  }

  @Override
  public void handle(IoRegistration registration, IoEvent event) {
    if (closed) {
      return;
    }
    EpollIoOps ops = ((EpollIoEvent) event).ops();
    if (ops.contains(EpollIoOps.EPOLLIN) || ops.contains(EpollIoOps.EPOLLERR)) {
      readable = true;
    }
    if (connecting != null) {
      try {
        if (socket.finishConnect()) {
          connected();
        }
      } catch (IOException e) {
        failConnecting(e);
      }
    }
    readWhileWanted();
  }

  private void connected() {
    PromiseInternal<Void> connected = connecting;
    connecting = null;
    connected.complete();
  }

  private void failConnecting(Throwable cause) {
    PromiseInternal<Void> failed = connecting;
    connecting = null;
    failed.tryFail(cause);
  }

  @Override
  public void read() {
    wanted = true;
    readWhileWanted();
  }

  private void readWhileWanted() {
    if (reading) {
      return;
    }
    reading = true;
    try {
      while (wanted && readable && !closed) {
        readOnce();
      }
    } finally {
      reading = false;
    }
  }

  private void readOnce() {
    ByteBuf chunk = ByteBufAllocator.DEFAULT.directBuffer(READ_CHUNK_BYTES);
    try {
      ByteBuffer into = chunk.internalNioBuffer(0, chunk.writableBytes());
      int read = socket.recv(into, into.position(), into.limit());
      if (read == 0) {
        readable = false; // nothing yet: the next edge says when
        return;
      }
      wanted = false;
      if (read < 0) {
        context.emit(v -> listener.closedByPeer());
      } else {
        chunk.writerIndex(read);
        context.emit(chunk, listener::received);
      }
    } catch (IOException e) {
      wanted = false;
      readable = false;
      context.emit(e, listener::failed);
    } finally {
      chunk.release();
    }
  }

  @Override
  public FileDescriptor fd() {
    return socket;
  }

  /** Also called by the loop as it shuts down. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (connecting != null) {
      failConnecting(new ClosedChannelException());
    }
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException ignored) {
      // Closing a socket releases it even when close reports an error.
    }
    // After the close, which took the socket out of epoll: the registration needs no epoll_ctl call to go.
    if (registration != null) {
      registration.cancel();
    }
  }
}
