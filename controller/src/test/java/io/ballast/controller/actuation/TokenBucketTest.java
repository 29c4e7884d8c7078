package io.ballast.controller.actuation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void a_full_bucket_lets_its_burst_go_at_once_and_then_waits_for_the_rate() {
    TokenBucket b = TokenBucket.full(3, 1, T0);
    for (int i = 0; i < 3; i++) {
      assertThat(b.available(T0)).isTrue();
      b = b.take(T0);
    }
    assertThat(b.available(T0)).isFalse();
    assertThat(b.wait(T0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.available(T0.plusSeconds(1))).isTrue();
  }

  @Test
  void refills_up_to_the_burst_and_no_further() {
    TokenBucket b = TokenBucket.full(2, 1, T0).take(T0).take(T0);
    TokenBucket later = b.take(T0.plusSeconds(100)).take(T0.plusSeconds(100));
    assertThat(later.available(T0.plusSeconds(100))).isFalse();
  }

  @Test
  void throttling_empties_the_bucket_and_halves_the_rate_down_to_an_eighth() {
    TokenBucket b = TokenBucket.full(3, 1, T0).slowDown(T0);
    assertThat(b.available(T0)).isFalse();
    assertThat(b.wait(T0)).isEqualTo(Duration.ofSeconds(2));
    for (int i = 0; i < 10; i++) {
      b = b.slowDown(T0);
    }
    assertThat(b.factor()).isEqualTo(TokenBucket.MIN_FACTOR);
    assertThat(b.wait(T0)).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void successes_bring_the_rate_back_to_full_and_never_above() {
    TokenBucket b = TokenBucket.full(3, 1, T0).slowDown(T0).slowDown(T0).slowDown(T0);
    for (int i = 0; i < 40; i++) {
      b = b.speedUp(T0);
    }
    assertThat(b.factor()).isEqualTo(1.0);
  }

  @Test
  void a_clock_that_goes_back_refills_nothing() {
    TokenBucket b = TokenBucket.full(1, 1, T0).take(T0);
    assertThat(b.available(T0.minusSeconds(10))).isFalse();
  }
}
