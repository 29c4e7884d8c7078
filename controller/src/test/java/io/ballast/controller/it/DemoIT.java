package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/ballast demo --short} as a newcomer runs it: a node, a simulated cloud scaled through the webhook
 * adapter, a surge; it prints a line a second and a summary, and leaves the story in its journal.
 */
class DemoIT {

  @Test
  void the_demo_plays_the_surge_scales_the_cloud_sheds_the_sheddable_class_and_sums_it_up() throws Exception {
    Path root = Path.of(System.getProperty("ballast.root", "..")).toAbsolutePath().normalize();
    Path data = Files.createTempDirectory("ballast-demo");
    Path out = Path.of("target", "it-logs", "demo.out").toAbsolutePath();
    Files.createDirectories(out.getParent());
    ProcessBuilder builder = new ProcessBuilder(root.resolve("bin/ballast").toString(), "demo", "--short",
        "--port", Integer.toString(NodeProcess.freePort()), "--data-dir", data.toString())
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().put("BALLAST_NO_BUILD", "1");
    Process demo = builder.start();
    assertThat(demo.waitFor(4, TimeUnit.MINUTES)).as("the demo ends by itself; see " + out).isTrue();
    String text = Files.readString(out);
    assertThat(demo.exitValue()).as(text).isZero();

    List<String> seconds = text.lines().filter(l -> l.matches("\\s*\\d+s\\s+offered.*")).toList();
    assertThat(seconds).hasSize(80);
    int peakDesired = 0;
    Matcher desired = Pattern.compile("desired\\s+(\\d+)").matcher("");
    for (String line : seconds) {
      if (desired.reset(line).find()) {
        peakDesired = Math.max(peakDesired, Integer.parseInt(desired.group(1)));
      }
    }
    assertThat(peakDesired).as("the surge scaled the cloud out").isGreaterThan(16);
    assertThat(text).contains("Watch it at http://127.0.0.1:").contains("/ui/#/services/shop")
        .containsPattern("critical goodput: \\d+\\.\\d %")
        .containsPattern("shed: 0 critical, [\\d,]+ sheddable")
        .containsPattern("instance-hours: \\d+\\.\\d{3}; scale writes to the cloud: [1-9]")
        .containsPattern("time to capacity .*: \\d+ s")
        .contains("bin/ballast replay shop");
    assertThat(text).doesNotContain(" INFO ");
    assertThat(data.resolve("journal.mv.db")).exists();
  }
}
