package dev.greetprobe.greeter;

class VertxGreeterReliabilityIT extends GreeterReliabilityIT {

  @Override
  Transport transport() {
    return Transport.VERTX;
  }
}
