package dev.greetprobe.greeter;

class EpollGreeterTlsTest extends GreeterTlsTest {

  @Override
  Transport transport() {
    return Transport.EPOLL;
  }
}
