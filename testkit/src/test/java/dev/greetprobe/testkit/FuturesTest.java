package dev.greetprobe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Waiting on a Vert.x future from a test's thread. */
class FuturesTest {

  @Test
  void givesTheResult() throws Exception {
    assertThat(Futures.join(Future.succeededFuture("done"))).isEqualTo("done");
  }

  @Test
  void throwsTheFailure() {
    assertThatThrownBy(() -> Futures.join(Future.failedFuture("refused")))
        .isInstanceOf(ExecutionException.class).hasRootCauseMessage("refused");
  }

  @Test
  void aFutureNotDoneInTimeTimesOut() {
    assertThatThrownBy(() -> Futures.join(Promise.promise().future(), Duration.ofMillis(100)))
        .isInstanceOf(TimeoutException.class);
  }
}
