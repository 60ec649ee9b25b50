package dev.greetprobe.greeter;

import dev.greetprobe.greeter.config.Transport;


class EpollGreeterTlsTest extends GreeterTlsTest {

  @Override
  Transport transport() {
    return Transport.EPOLL;
  }
}
