package dev.greetprobe.greeter;

class VertxGreeterTlsTest extends GreeterTlsTest {

  @Override
  Transport transport() {
    return Transport.VERTX;
  }
}
