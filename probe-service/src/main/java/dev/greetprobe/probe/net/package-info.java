/**
 * One attempt at a target: resolve ({@link Resolver}), connect, shake hands over TLS, read until {@code expect}
 * matches ({@link TcpProber}, {@link ExpectMatcher}), ending in a {@link ProbeResult} with its {@link Result}. A prober
 * runs on the context and connects through the client it is given, and knows nothing of schedules or metrics; a
 * transport with connections of its own plugs in through {@link TcpConnection}.
 */
package dev.greetprobe.probe.net;
