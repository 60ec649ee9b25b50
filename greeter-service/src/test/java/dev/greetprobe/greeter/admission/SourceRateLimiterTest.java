package dev.greetprobe.greeter.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void aSourceGetsItsBurstThenItsRate() throws Exception {
    SourceRateLimiter limiter = new SourceRateLimiter(10, 3, 100);
    InetAddress source = InetAddress.getByName("192.0.2.1");

    assertThat(limiter.tryAcquire(source, 0)).isTrue();
    assertThat(limiter.tryAcquire(source, 0)).isTrue();
    assertThat(limiter.tryAcquire(source, 0)).isTrue();
    assertThat(limiter.tryAcquire(source, 0)).as("burst spent").isFalse();
    assertThat(limiter.tryAcquire(source, SECOND / 10)).as("one token back after 100 ms").isTrue();
    assertThat(limiter.tryAcquire(source, SECOND / 10)).isFalse();
    assertThat(limiter.tryAcquire(InetAddress.getByName("192.0.2.2"), SECOND / 10)).as("another source").isTrue();
  }

  @Test
  void theTableOfSourcesNeverOutgrowsItsCapacity() throws Exception {
    SourceRateLimiter limiter = new SourceRateLimiter(1, 1, 100);
    for (int i = 0; i < 10_000; i++) {
      limiter.tryAcquire(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}), 0);
    }

    assertThat(limiter.size()).isEqualTo(100);
  }
}
