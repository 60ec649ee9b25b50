package dev.greetprobe.greeter;

import dev.greetprobe.greeter.config.Transport;


class EpollGreeterReliabilityIT extends GreeterReliabilityIT {

  @Override
  Transport transport() {
    return Transport.EPOLL;
  }
}
