package io.ballast.controller.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenHashTest {

  private static final String TOKEN = BearerToken.generate().value();

  @Test
  void a_token_matches_the_hash_made_from_it() {
    String stored = TokenHash.create(TOKEN);

    assertThat(stored).matches("sha256:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}");
    assertThat(TokenHash.parse(stored).matches(TOKEN)).isTrue();
  }

  @Test
  void another_token_does_not_match() {
    TokenHash hash = TokenHash.parse(TokenHash.create(TOKEN));

    assertThat(hash.matches(BearerToken.generate().value())).isFalse();
    assertThat(hash.matches(TOKEN + "x")).isFalse();
    assertThat(hash.matches(TOKEN.substring(0, TOKEN.length() - 1))).isFalse();
    assertThat(hash.matches("")).isFalse();
  }

  @Test
  void every_hash_has_its_own_salt() {
    String first = TokenHash.create(TOKEN);
    String second = TokenHash.create(TOKEN);

    assertThat(first).isNotEqualTo(second);
    assertThat(TokenHash.parse(second).matches(TOKEN)).isTrue();
  }

  @Test
  void a_hash_does_not_show_itself_in_logs() {
    String stored = TokenHash.create(TOKEN);

    assertThat(TokenHash.parse(stored).toString()).doesNotContain(stored.split(":")[2]);
  }

  @Test
  void a_token_shows_only_its_id_in_logs() {
    BearerToken token = BearerToken.generate();

    assertThat(token.value()).matches("bt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}");
    assertThat(token.toString()).contains(token.id()).doesNotContain(token.secret());
    assertThat(BearerToken.parse(token.value())).contains(token);
  }

  static Stream<Arguments> badStoredForms() {
    String good = TokenHash.create(TOKEN);
    String[] parts = good.split(":");
    return Stream.of(
        Arguments.of("an empty string", "", "must be sha256:<salt>:<hash>"),
        Arguments.of("another scheme", "md5:" + parts[1] + ":" + parts[2], "must be sha256:<salt>:<hash>"),
        Arguments.of("a missing part", "sha256:" + parts[2], "must be sha256:<salt>:<hash>"),
        Arguments.of("an extra part", good + ":x", "must be sha256:<salt>:<hash>"),
        Arguments.of("a salt that is not base64url", "sha256:!!!!:" + parts[2], "the salt of"),
        Arguments.of("a short hash", "sha256:" + parts[1] + ":" + parts[2].substring(0, 40), "the hash of"),
        Arguments.of("a salt of the wrong length", "sha256:" + parts[2] + ":" + parts[2], "salt of sha256:<salt>:<hash> must be 16 bytes"),
        Arguments.of("the token itself", TOKEN, "holds a token, not its hash"));
  }

  @ParameterizedTest(name = "{0} is refused without being repeated")
  @MethodSource("badStoredForms")
  void a_bad_stored_form_is_refused_without_being_repeated(String description, String stored, String expected) {
    assertThatThrownBy(() -> TokenHash.parse(stored))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected)
        .satisfies(e -> {
          if (stored.length() > 8) {
            assertThat(e.getMessage()).doesNotContain(stored);
          }
        });
  }
}
