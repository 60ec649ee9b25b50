package dev.greetprobe.greeter;

import dev.greetprobe.common.Transport;


class VertxGreeterReliabilityIT extends GreeterReliabilityIT {

  @Override
  Transport transport() {
    return Transport.VERTX;
  }
}
