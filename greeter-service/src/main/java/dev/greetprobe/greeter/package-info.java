/**
 * The greeter's entry points and wiring: {@link GreeterMain} and {@link ConfigCheck} read the command line,
 * {@link GreeterService} builds the parts and claims the greeting port ({@link GreetingAddress}), then serves it on the
 * configured transport, the {@code vertx} package's or the {@code epoll} package's. {@link OpsServer} serves metrics
 * and health. Nothing else in the greeter imports this package.
 */
package dev.greetprobe.greeter;
