package dev.greetprobe.greeter;

class VertxGreeterAdmissionTest extends GreeterAdmissionTest {

  @Override
  Transport transport() {
    return Transport.VERTX;
  }
}
