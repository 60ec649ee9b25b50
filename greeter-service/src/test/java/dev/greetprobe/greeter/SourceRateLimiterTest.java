package dev.greetprobe.greeter;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

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

  @Test
  void aFloodOfRefusalsLogsOneLineAPeriodNotOneAConnection() {
    Logger logger = (Logger) LoggerFactory.getLogger(RejectionLog.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      RejectionLog log = new RejectionLog();
      for (int i = 0; i < 10_000; i++) {
        log.rejected(Rejection.RATE_LIMIT, "192.0.2.1:4000", "closed before greeting");
      }
      assertThat(lines.list).as("the first refusal is logged at once, the rest summed up later").hasSize(1);
    } finally {
      logger.detachAppender(lines);
    }
  }
}
