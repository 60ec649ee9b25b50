package dev.greetprobe.probe.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A prober's deadlines: each probe expires at its own, never before it, unless it ended first. */
@ExtendWith(VertxExtension.class)
class DeadlinesTest {

  /** A probe that notes when it expired. */
  private static final class Probe extends Deadlines.Waiting {

    final String name;
    final long dueNanos;
    final Consumer<Probe> onExpiry;
    long expiredNanos;

    Probe(String name, Deadlines deadlines, Duration timeout, Consumer<Probe> onExpiry) {
      this.name = name;
      this.onExpiry = onExpiry;
      long start = System.nanoTime();
      this.dueNanos = start + timeout.toNanos();
      deadlines.add(this, start, timeout);
    }

    @Override
    void expired() {
      expiredNanos = System.nanoTime();
      onExpiry.accept(this);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @Test
  void probesOfOneTimeoutExpireInTheOrderTheyStartedAndNoneEarly(Vertx vertx, VertxTestContext test) {
    vertx.getOrCreateContext().runOnContext(v -> {
      Deadlines deadlines = new Deadlines(vertx);
      Consumer<Probe> onExpiry = afterExpiries(3, test, expired -> {
        assertThat(expired).extracting(p -> p.name).containsExactly("a", "b", "c");
        assertThat(expired).allSatisfy(p -> assertThat(p.expiredNanos).as(p.name + " never early")
            .isGreaterThanOrEqualTo(p.dueNanos));
        assertThat(deadlines.waiting()).isEmpty();
      });
      for (String name : List.of("a", "b", "c")) {
        new Probe(name, deadlines, Duration.ofMillis(40), onExpiry);
      }
    });
  }

  @Test
  void aProbeThatEndsBeforeItsDeadlineNeverExpiresAndTheOthersStillDo(Vertx vertx, VertxTestContext test) {
    vertx.getOrCreateContext().runOnContext(v -> {
      Deadlines deadlines = new Deadlines(vertx);
      // The ended ones were due first: had they stayed, one of them would have been the first to expire.
      Consumer<Probe> onExpiry = afterExpiries(1, test,
          expired -> assertThat(expired).extracting(p -> p.name).containsExactly("last"));
      Probe first = new Probe("first", deadlines, Duration.ofMillis(40), onExpiry);
      Probe middle = new Probe("middle", deadlines, Duration.ofMillis(40), onExpiry);
      Probe last = new Probe("last", deadlines, Duration.ofMillis(40), onExpiry);
      deadlines.remove(first);
      deadlines.remove(middle);
      deadlines.remove(middle); // ending twice changes nothing
      test.verify(() -> assertThat(deadlines.waiting()).containsExactly(last));
    });
  }

  @Test
  void aShorterTimeoutExpiresFirstWhateverStartedBeforeIt(Vertx vertx, VertxTestContext test) {
    vertx.getOrCreateContext().runOnContext(v -> {
      Deadlines deadlines = new Deadlines(vertx);
      Consumer<Probe> onExpiry = afterExpiries(2, test, expired -> {
        assertThat(expired).extracting(p -> p.name).containsExactly("fast", "slow");
        assertThat(expired.get(1).expiredNanos).isGreaterThanOrEqualTo(expired.get(1).dueNanos);
      });
      Probe slow = new Probe("slow", deadlines, Duration.ofMillis(150), onExpiry);
      Probe fast = new Probe("fast", deadlines, Duration.ofMillis(20), onExpiry);
      test.verify(() -> assertThat(deadlines.waiting()).containsExactlyInAnyOrder(slow, fast));
    });
  }

  @Test
  void aProbeDueAfterTheTimerFiresExpiresOnTheTimerSetAgain(Vertx vertx, VertxTestContext test) {
    vertx.getOrCreateContext().runOnContext(v -> {
      Deadlines deadlines = new Deadlines(vertx);
      Duration timeout = Duration.ofMillis(40);
      Consumer<Probe> onExpiry = afterExpiries(2, test, expired -> {
        assertThat(expired).extracting(p -> p.name).containsExactly("early", "late");
        assertThat(expired.get(1).expiredNanos).isGreaterThanOrEqualTo(expired.get(1).dueNanos);
      });
      new Probe("early", deadlines, timeout, onExpiry);
      // Started half a timeout later: still waiting when the early one's deadline fires the timer.
      vertx.setTimer(20, id -> new Probe("late", deadlines, timeout, onExpiry));
    });
  }

  @Test
  void aProbeStartedAfterItsTimeoutsLastExpiredStillExpires(Vertx vertx, VertxTestContext test) {
    vertx.getOrCreateContext().runOnContext(v -> {
      Deadlines deadlines = new Deadlines(vertx);
      Duration timeout = Duration.ofMillis(20);
      new Probe("before", deadlines, timeout, before -> new Probe("after", deadlines, timeout, after -> {
        test.verify(() -> assertThat(after.expiredNanos).isGreaterThanOrEqualTo(after.dueNanos));
        test.completeNow();
      }));
    });
  }

  /** Collects expiries; once there are {@code count}, checks them and ends the test. */
  private static Consumer<Probe> afterExpiries(int count, VertxTestContext test, Consumer<List<Probe>> check) {
    List<Probe> expired = new ArrayList<>();
    return probe -> {
      expired.add(probe);
      if (expired.size() == count) {
        test.verify(() -> check.accept(expired));
        test.completeNow();
      }
    };
  }
}
