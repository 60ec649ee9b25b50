package dev.greetprobe.probe.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A verticle's wake-ups: everything due at one instant runs on one timer, never before the instant. */
@ExtendWith(VertxExtension.class)
class WakesTest {

  private static final long MS = 1_000_000L;

  @Test
  void whatIsDueAtOneInstantRunsOnOneTimerInTheOrderItCame(Vertx vertx, VertxTestContext test) {
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      Wakes wakes = new Wakes(vertx);
      long due = System.nanoTime() + 20 * MS;
      List<Integer> ran = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        wakes.at(due, () -> {
          test.verify(() -> assertThat(System.nanoTime()).as("never early").isGreaterThanOrEqualTo(due));
          ran.add(n);
          if (ran.size() == 3) {
            test.verify(() -> {
              assertThat(ran).containsExactly(0, 1, 2);
              assertThat(wakes.timers()).as("the later instant's").isEqualTo(1);
            });
            test.completeNow();
          }
        });
      }
      wakes.at(due + 500 * MS, () -> { });
      test.verify(() -> assertThat(wakes.timers()).as("one for each instant").isEqualTo(2));
    });
  }

  @Test
  void theLastOneTakenOutCancelsTheTimer(Vertx vertx) throws Exception {
    AtomicInteger ran = new AtomicInteger();
    Runnable first = ran::incrementAndGet;
    Runnable second = ran::incrementAndGet;
    Wakes wakes = new Wakes(vertx);
    vertx.getOrCreateContext().runOnContext(v -> {
      long due = System.nanoTime() + 50 * MS;
      wakes.at(due, first);
      wakes.at(due, second);
      wakes.cancel(due, first);
      wakes.cancel(due, second);
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> wakes.timers() == 0);
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> ran.get() == 0);
  }

  @Test
  void anInstantAlreadyPastRunsOnTheNextMillisecond(Vertx vertx, VertxTestContext test) {
    vertx.getOrCreateContext().runOnContext(v -> new Wakes(vertx).at(System.nanoTime() - TimeUnit.SECONDS.toNanos(1),
        test::completeNow));
  }
}
