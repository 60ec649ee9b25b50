package dev.greetprobe.greeter;

import dev.greetprobe.greeter.config.Transport;


class VertxGreeterAdmissionTest extends GreeterAdmissionTest {

  @Override
  Transport transport() {
    return Transport.VERTX;
  }
}
