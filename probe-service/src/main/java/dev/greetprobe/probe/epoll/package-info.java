/**
 * Transport {@code epoll}: plain connections as bare sockets on the event loops' own epoll ({@link BareSockets}). It
 * is the one package below Vert.x's public API, which the internals fence keeps so, and it plugs into {@code net}
 * through its connection contract, so that only the wiring knows it is there.
 */
package dev.greetprobe.probe.epoll;
