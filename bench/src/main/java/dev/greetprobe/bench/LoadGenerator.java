package dev.greetprobe.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Keeps {@code concurrency} connections in flight against one address for a fixed time: each connects, reads to
 * the end, checks the bytes against the expected greeting, closes, and is replaced at once. One thread and one
 * selector, so the generator costs as little CPU per connection as it can.
 */
final class LoadGenerator {

  /** What one run measured; latencies in nanoseconds, from connect() to the end of the stream. */
  record Run(long connections, long errors, long stuck, double seconds, long p50, long p99, long p999,
      double generatorCpuSeconds) {

    double perSecond() {
      return connections / seconds;
    }
  }

  private static final long STUCK_NANOS = 1_000_000_000L;

  private final InetSocketAddress address;
  private final byte[] expected;

  LoadGenerator(InetSocketAddress address, byte[] expected) {
    this.address = address;
    this.expected = expected;
  }

  private final class Connection {
    final SocketChannel channel;
    final long started = System.nanoTime();
    final ByteBuffer received = ByteBuffer.allocate(expected.length + 1);

    Connection(Selector selector) throws IOException {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.SO_LINGER, 0); // no TIME_WAIT on the generator's side
      if (channel.connect(address)) {
        channel.register(selector, SelectionKey.OP_READ, this);
      } else {
        channel.register(selector, SelectionKey.OP_CONNECT, this);
      }
    }
  }

  Run run(int concurrency, double seconds) throws IOException {
    long[] latencies = new long[1 << 20];
    int recorded = 0;
    long connections = 0;
    long errors = 0;
    long stuck = 0;
    double cpuBefore = cpuSeconds();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < concurrency; i++) {
        new Connection(selector);
      }
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        selector.select(100);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          Connection c = (Connection) key.attachment();
          boolean done;
          boolean ok = false;
          try {
            if (key.isConnectable()) {
              c.channel.finishConnect();
              key.interestOps(SelectionKey.OP_READ);
              continue;
            }
            int n = c.channel.read(c.received);
            done = n < 0 || !c.received.hasRemaining();
            ok = n < 0 && c.received.position() == expected.length
                && Arrays.equals(c.received.array(), 0, expected.length, expected, 0, expected.length);
          } catch (IOException e) {
            done = true;
          }
          if (!done) {
            continue;
          }
          long latency = System.nanoTime() - c.started;
          key.cancel();
          c.channel.close();
          connections++;
          if (!ok) {
            errors++;
          }
          if (latency >= STUCK_NANOS) {
            stuck++;
          }
          if (recorded < latencies.length) {
            latencies[recorded++] = latency;
          }
          if (System.nanoTime() < end) {
            new Connection(selector);
          }
        }
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
      long[] sorted = Arrays.copyOf(latencies, recorded);
      Arrays.sort(sorted);
      return new Run(connections, errors, stuck, elapsed, percentile(sorted, 0.50), percentile(sorted, 0.99),
          percentile(sorted, 0.999), cpuSeconds() - cpuBefore);
    }
  }

  private static long percentile(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
  }

  private static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }
}
