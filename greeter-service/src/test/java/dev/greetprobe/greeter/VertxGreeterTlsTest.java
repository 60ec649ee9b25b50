package dev.greetprobe.greeter;

import dev.greetprobe.common.Transport;


class VertxGreeterTlsTest extends GreeterTlsTest {

  @Override
  Transport transport() {
    return Transport.VERTX;
  }
}
