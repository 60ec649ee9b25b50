package dev.greetprobe.greeter;

import dev.greetprobe.common.Transport;


class EpollGreeterReliabilityIT extends GreeterReliabilityIT {

  @Override
  Transport transport() {
    return Transport.EPOLL;
  }
}
