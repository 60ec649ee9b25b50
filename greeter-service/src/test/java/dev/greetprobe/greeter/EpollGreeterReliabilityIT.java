package dev.greetprobe.greeter;

class EpollGreeterReliabilityIT extends GreeterReliabilityIT {

  @Override
  Transport transport() {
    return Transport.EPOLL;
  }
}
