package dev.greetprobe.greeter;

import dev.greetprobe.common.Transport;


class VertxGreeterAdmissionTest extends GreeterAdmissionTest {

  @Override
  Transport transport() {
    return Transport.VERTX;
  }
}
