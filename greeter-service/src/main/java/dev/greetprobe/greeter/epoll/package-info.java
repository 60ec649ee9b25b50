/**
 * Transport {@code epoll}: the greeting port as listening sockets of each event loop's own, bare file descriptors that
 * greet as they accept ({@link DirectListener}, {@link DirectGreeter}) or Netty's epoll listeners that run the
 * {@code pipeline} package's handlers ({@link GreetingServer}). It is the one package allowed Netty's epoll and unix
 * classes, which the internals fence keeps so, and only the wiring knows it is there.
 */
package dev.greetprobe.greeter.epoll;
