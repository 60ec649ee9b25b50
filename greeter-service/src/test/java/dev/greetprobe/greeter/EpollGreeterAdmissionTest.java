package dev.greetprobe.greeter;

class EpollGreeterAdmissionTest extends GreeterAdmissionTest {

  @Override
  Transport transport() {
    return Transport.EPOLL;
  }
}
