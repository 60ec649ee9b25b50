package dev.greetprobe.greeter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RejectionLogTest {

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
