package dev.greetprobe.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeanNativeTransportTest {

  private io.vertx.core.spi.transport.Transport lean;

  @BeforeEach
  void nativeTransport() {
    Transport transport = LeanNativeTransport.onThisPlatform();
    assertThat(transport).as("a native transport on this platform").isNotNull();
    assertThat(transport.available()).as("epoll available: %s", transport.unavailabilityCause()).isTrue();
    lean = transport.implementation();
  }

  @Test
  void anAcceptedSocketGetsNoOptionThatLeavesItAsItIs() {
    ServerBootstrap bootstrap = new ServerBootstrap();
    lean.configure(new NetServerOptions(), false, bootstrap);

    assertThat(bootstrap.config().childOptions()).doesNotContainKeys(ChannelOption.SO_KEEPALIVE,
        ChannelOption.TCP_NODELAY, EpollChannelOption.TCP_QUICKACK, EpollChannelOption.TCP_CORK);
  }

  @Test
  void anAcceptedSocketStillGetsEveryOptionAskedFor() {
    ServerBootstrap bootstrap = new ServerBootstrap();
    lean.configure(new NetServerOptions().setTcpKeepAlive(true).setTcpNoDelay(false).setTcpQuickAck(true)
        .setTcpCork(true).setSoLinger(0), false, bootstrap);

    assertThat(bootstrap.config().childOptions())
        .containsEntry(ChannelOption.SO_KEEPALIVE, true)
        .containsEntry(ChannelOption.TCP_NODELAY, false)
        .containsEntry(EpollChannelOption.TCP_QUICKACK, true)
        .containsEntry(EpollChannelOption.TCP_CORK, true)
        .containsEntry(ChannelOption.SO_LINGER, 0);
  }

  @Test
  void theListenerKeepsItsOwnOptions() {
    ServerBootstrap bootstrap = new ServerBootstrap();
    lean.configure(new NetServerOptions().setAcceptBacklog(512), false, bootstrap);

    assertThat(bootstrap.config().options())
        .containsEntry(ChannelOption.SO_REUSEADDR, true)
        .containsEntry(ChannelOption.SO_BACKLOG, 512);
  }

  @Test
  void aConnectingSocketGetsOnlyWhatChangesIt() {
    Bootstrap bootstrap = new Bootstrap();
    lean.configure(new NetClientOptions().setReuseAddress(false), 1000, false, bootstrap);

    assertThat(bootstrap.config().options())
        .doesNotContainKeys(ChannelOption.SO_REUSEADDR, ChannelOption.SO_KEEPALIVE, ChannelOption.TCP_NODELAY,
            EpollChannelOption.TCP_QUICKACK, EpollChannelOption.TCP_CORK, EpollChannelOption.TCP_USER_TIMEOUT)
        .containsEntry(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000);
  }

  @Test
  void aConnectingSocketStillGetsEveryOptionAskedFor() {
    Bootstrap bootstrap = new Bootstrap();
    lean.configure(new NetClientOptions().setTcpKeepAlive(true).setTcpUserTimeout(5000).setTcpQuickAck(true),
        1000, false, bootstrap);

    assertThat(bootstrap.config().options())
        .containsEntry(ChannelOption.SO_REUSEADDR, true)
        .containsEntry(ChannelOption.SO_KEEPALIVE, true)
        .containsEntry(EpollChannelOption.TCP_USER_TIMEOUT, 5000)
        .containsEntry(EpollChannelOption.TCP_QUICKACK, true);
  }
}
