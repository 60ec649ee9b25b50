package dev.greetprobe.common;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * Vert.x's native transport, less the socket options that restate what a new socket already is. Vert.x sets
 * {@code SO_KEEPALIVE}, {@code TCP_NODELAY}, {@code TCP_QUICKACK}, {@code TCP_CORK} and more on every connection, each
 * a system call whether or not it changes anything; for a greeting or a probe that lives for one exchange, those calls
 * are a large share of what the connection costs. An option that would leave the socket as it is gets dropped here,
 * and any other is still set, so a connection is what Vert.x's options say it is.
 */
public final class LeanNativeTransport implements Transport {

  /**
   * What a socket is when Netty hands it over: the kernel's defaults, and {@code TCP_NODELAY}, which Netty's channel
   * turns on as it is made. {@code TCP_QUICKACK} off means "not asked for" in Vert.x's options: left alone, the kernel
   * chooses when to acknowledge at once, as it does for every other program.
   */
  private static final Map<ChannelOption<?>, Object> AS_MADE = Map.of(
      ChannelOption.SO_KEEPALIVE, false,
      ChannelOption.SO_REUSEADDR, false,
      ChannelOption.TCP_NODELAY, true,
      EpollChannelOption.TCP_QUICKACK, false,
      EpollChannelOption.TCP_CORK, false,
      EpollChannelOption.TCP_USER_TIMEOUT, 0);

  private final Transport nativeTransport;
  private final io.vertx.core.spi.transport.Transport implementation;

  private LeanNativeTransport(Transport nativeTransport) {
    this.nativeTransport = nativeTransport;
    this.implementation = new Lean(nativeTransport.implementation());
  }

  /** The platform's native transport, lean; {@code null} where there is none, as {@link Transport#nativeTransport}. */
  public static Transport onThisPlatform() {
    Transport platform = Transport.nativeTransport();
    return platform == null ? null : new LeanNativeTransport(platform);
  }

  @Override
  public String name() {
    return nativeTransport.name();
  }

  @Override
  public boolean available() {
    return nativeTransport.available();
  }

  @Override
  public Throwable unavailabilityCause() {
    return nativeTransport.unavailabilityCause();
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return implementation;
  }

  /** The native implementation, with the options of each accepted or connected socket pruned after it sets them. */
  private record Lean(io.vertx.core.spi.transport.Transport delegate) implements io.vertx.core.spi.transport.Transport {

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
      delegate.configure(options, domainSocket, bootstrap);
      dropAsMade(bootstrap.config().childOptions(), option -> bootstrap.childOption(option, null));
    }

    @Override
    public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
      delegate.configure(options, connectTimeout, domainSocket, bootstrap);
      dropAsMade(bootstrap.config().options(), option -> bootstrap.option(option, null));
    }

    /** Drops each option of {@code set} whose value leaves a new socket as it is made. */
    private static void dropAsMade(Map<ChannelOption<?>, Object> set, Consumer<ChannelOption<?>> drop) {
      set.forEach((option, value) -> {
        if (value.equals(AS_MADE.get(option))) {
          drop.accept(option);
        }
      });
    }

    @Override
    public boolean supportsDomainSockets() {
      return delegate.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
      return delegate.supportFileRegion();
    }

    @Override
    public boolean isAvailable() {
      return delegate.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return delegate.unavailabilityCause();
    }

    @Override
    public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
      return delegate.convert(address);
    }

    @Override
    public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
      return delegate.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return delegate.ioHandlerFactory();
    }

    @Override
    public EventLoopGroup eventLoopGroup(int type, int nThreads, ThreadFactory threadFactory, int ioRatio) {
      return delegate.eventLoopGroup(type, nThreads, threadFactory, ioRatio);
    }

    @Override
    public DatagramChannel datagramChannel() {
      return delegate.datagramChannel();
    }

    @Override
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
      return delegate.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
      return delegate.channelFactory(domainSocket);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
      return delegate.serverChannelFactory(domainSocket);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
      delegate.configure(channel, options);
    }
  }
}
