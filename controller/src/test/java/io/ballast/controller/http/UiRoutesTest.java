package io.ballast.controller.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.controller.TestNode;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The web page's files as the node serves them: from its own classpath, with a strict content policy. */
class UiRoutesTest {

  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new TestNode(Files.createTempDirectory("ui-routes"), "");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static Stream<Arguments> files() {
    return Stream.of(
        Arguments.of("/ui/", "text/html", "<script src=\"app.js\""),
        Arguments.of("/ui/app.js", "text/javascript", "/v1/whoami"),
        Arguments.of("/ui/app.css", "text/css", ".chart"),
        Arguments.of("/ui/vendor/uplot.js", "text/javascript", "uPlot"),
        Arguments.of("/ui/vendor/uplot.css", "text/css", ".uplot"));
  }

  @ParameterizedTest(name = "{0} is served as {1}")
  @MethodSource("files")
  void everyFileOfThePageIsServedByTheNodeItself(String path, String type, String content) {
    TestNode.Answer answer = node.get(path);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).startsWith(type);
    assertThat(answer.body().asText()).contains(content);
    assertThat(answer.header("Content-Security-Policy")).contains("default-src 'self'").contains("frame-ancestors 'none'");
    assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void theChartsComeFromTheWebJarOnTheClasspath() {
    assertThat(UiRoutes.UPLOT).startsWith("META-INF/resources/webjars/uplot/1.").endsWith("/dist/");
    assertThat(getClass().getClassLoader().getResource(UiRoutes.UPLOT + "uPlot.iife.min.js")).isNotNull();
  }

  @Test
  void theRootAndTheBarePathLeadToThePage() {
    assertThat(node.get("/").status()).isEqualTo(302);
    assertThat(node.get("/").header("Location")).isEqualTo("/ui/");
    assertThat(node.get("/ui").status()).isEqualTo(308);
  }

  @Test
  void anUnknownFileIsNotFound() {
    assertThat(node.get("/ui/secrets.txt").status()).isEqualTo(404);
    assertThat(node.get("/ui/../config/auth.conf").status()).isEqualTo(404);
  }
}
