/**
 * The Netty handlers both transports run a connection through: the PROXY header ({@link ProxyHeaderReader}),
 * admission, the TLS handshake and the greeting ({@link GreetingHandler}).
 *
 * <p>It is the one package of the greeter allowed Vert.x's internals ({@code io.vertx.core.internal}), which the
 * internals fence keeps so, for these reasons:
 * <ul>
 *   <li>On the {@code vertx} transport, Vert.x's public API cannot admit a client before its TLS handshake or hold a
 *       connection while its PROXY header is due (see {@link ConnectionStages}): these handlers are put ahead of
 *       Vert.x's own through {@code NetSocketInternal.channelHandlerContext()}, the hook Vert.x documents for reusing
 *       Netty codecs. The same hook closes a connection whose client leaves its greeting unread
 *       ({@link UnreadWrites}), as a close through Vert.x would wait for the writes that client never takes.</li>
 *   <li>Every connection of the {@code vertx} transport is written one direct buffer, shared
 *       ({@link SharedGreeting}), which only {@code BufferInternal} wraps in Vert.x 5.</li>
 *   <li>The {@code epoll} transport listens on Vert.x's own event loops, which only {@code VertxInternal} hands over
 *       ({@link EventLoops}).</li>
 * </ul>
 * Netty's epoll and unix classes are not used here: they belong to the {@code epoll} package alone.
 */
package dev.greetprobe.greeter.pipeline;
