package dev.greetprobe.greeter;

import dev.greetprobe.greeter.config.Transport;


class VertxGreeterReliabilityIT extends GreeterReliabilityIT {

  @Override
  Transport transport() {
    return Transport.VERTX;
  }
}
