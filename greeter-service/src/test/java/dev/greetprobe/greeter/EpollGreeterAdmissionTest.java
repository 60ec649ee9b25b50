package dev.greetprobe.greeter;

import dev.greetprobe.common.Transport;


class EpollGreeterAdmissionTest extends GreeterAdmissionTest {

  @Override
  Transport transport() {
    return Transport.EPOLL;
  }
}
