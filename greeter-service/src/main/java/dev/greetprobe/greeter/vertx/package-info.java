/**
 * Transport {@code vertx}, the default: a Vert.x {@code NetServer} on each event loop ({@link GreeterVerticle}) that
 * admits and greets each connection through the public API, and hands a connection with TLS or a PROXY header to the
 * {@code pipeline} package's handlers.
 */
package dev.greetprobe.greeter.vertx;
