package dev.greetprobe.greeter;

import dev.greetprobe.greeter.config.Transport;


class EpollGreeterAdmissionTest extends GreeterAdmissionTest {

  @Override
  Transport transport() {
    return Transport.EPOLL;
  }
}
