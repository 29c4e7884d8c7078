package io.ballast.persistence.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class HistoryTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void anEarlierVersionNeverSeesWhatALaterOneAppended() {
    History<Instant> one = History.<Instant>empty().append(T0, t -> t, T0, 10);
    History<Instant> two = one.append(T0.plusSeconds(1), t -> t, T0, 10);
    History<Instant> branch = one.append(T0.plusSeconds(9), t -> t, T0, 10);

    assertThat(one).containsExactly(T0);
    assertThat(two).containsExactly(T0, T0.plusSeconds(1));
    assertThat(branch).containsExactly(T0, T0.plusSeconds(9));
  }

  @Test
  void dropsWhatIsOlderThanTheHorizonAndBeyondTheMaximum() {
    History<Instant> h = History.empty();
    for (int i = 0; i < 10; i++) {
      h = h.append(T0.plusSeconds(i), t -> t, T0.plusSeconds(i - 5), 100);
    }
    assertThat(h).hasSize(6).first().isEqualTo(T0.plusSeconds(4));

    h = h.append(T0.plusSeconds(10), t -> t, T0, 3);
    assertThat(h).containsExactly(T0.plusSeconds(8), T0.plusSeconds(9), T0.plusSeconds(10));
  }

  @Test
  void isAnImmutableListEqualToAnyListWithTheSameItems() {
    History<String> h = History.of(List.of("a", "b"));

    assertThat(h).isEqualTo(List.of("a", "b")).hasSameHashCodeAs(List.of("a", "b"));
    assertThatThrownBy(() -> h.add("c")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(h.last()).isEqualTo("b");
  }

  @Property
  void appendingMatchesAPlainListWhateverTheBranching(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 9) Integer> branchBacks,
      @ForAll @IntRange(min = 1, max = 12) int max) {
    List<History<Integer>> versions = new ArrayList<>();
    List<List<Integer>> expected = new ArrayList<>();
    versions.add(History.empty());
    expected.add(List.of());
    int next = 0;
    for (int back : branchBacks) {
      int from = Math.max(0, versions.size() - 1 - back);
      History<Integer> base = versions.get(from);
      List<Integer> plain = new ArrayList<>(expected.get(from));
      plain.add(next);
      while (plain.size() > max) {
        plain.remove(0);
      }
      versions.add(base.append(next, i -> T0.plusSeconds(i), T0, max));
      expected.add(plain);
      next++;
    }
    for (int i = 0; i < versions.size(); i++) {
      assertThat(versions.get(i)).isEqualTo(expected.get(i));
    }
  }
}
