package dev.greetprobe.greeter;

import dev.greetprobe.common.Transport;


class EpollGreeterTlsTest extends GreeterTlsTest {

  @Override
  Transport transport() {
    return Transport.EPOLL;
  }
}
