package dev.greetprobe.greeter;

import dev.greetprobe.greeter.config.Transport;


class VertxGreeterTlsTest extends GreeterTlsTest {

  @Override
  Transport transport() {
    return Transport.VERTX;
  }
}
