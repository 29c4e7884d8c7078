package io.ballast.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/ballast demo --short} as a newcomer runs it: a node, a simulated cloud scaled through the webhook
 * adapter, a surge; it prints a line a second and a summary, and leaves the story in its journal. Stopped midway
 * (Ctrl-C, SIGTERM), it sums up what was played and stops everything it started.
 */
class DemoIT {

  @Test
  void the_demo_plays_the_surge_scales_the_cloud_sheds_the_sheddable_class_and_sums_it_up() throws Exception {
    Path data = Files.createTempDirectory("ballast-demo");
    Path out = Path.of("target", "it-logs", "demo.out").toAbsolutePath();
    Process demo = start(data, out, NodeProcess.freePort());
    assertThat(demo.waitFor(4, TimeUnit.MINUTES)).as("the demo ends by itself; see " + out).isTrue();
    String text = Files.readString(out);
    assertThat(demo.exitValue()).as(text).isZero();

    List<String> seconds = seconds(text);
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
        .contains("bin/ballast replay shop")
        .doesNotContain("stopped after");
    assertThat(text).doesNotContain(" INFO ").as("the node stops cleanly").doesNotContain("timed out")
        .doesNotContain("ERROR");
    assertThat(data.resolve("journal.mv.db")).exists();
  }

  @Test
  void stopping_the_demo_midway_sums_up_what_was_played_and_ends_the_process() throws Exception {
    Path data = Files.createTempDirectory("ballast-demo-stop");
    Path out = Path.of("target", "it-logs", "demo-stopped.out").toAbsolutePath();
    int port = NodeProcess.freePort();
    Process demo = start(data, out, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (seconds(Files.readString(out)).size() < 5) {
      assertThat(demo.isAlive()).as("the demo is playing; see " + out).isTrue();
      assertThat(System.nanoTime()).as("5 seconds played within 90 s; see " + out).isLessThan(deadline);
      Thread.sleep(200);
    }
    int cloudPort = cloudPort(Files.readString(out));
    assertThat(listening(port)).as("the node listens").isTrue();
    assertThat(listening(cloudPort)).as("the simulated cloud listens").isTrue();

    demo.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM's shutdown hooks run
    assertThat(demo.waitFor(40, TimeUnit.SECONDS)).as("the demo ends within 40 s of the signal; see " + out).isTrue();
    String text = Files.readString(out);
    assertThat(text).containsPattern("stopped after \\d+ s of the 80 s story")
        .containsPattern("critical goodput: \\d+\\.\\d %")
        .contains("bin/ballast replay shop")
        .doesNotContain("Exception").doesNotContain("ERROR").doesNotContain("timed out");
    assertThat(seconds(text).size()).as("it stopped midway").isLessThan(80);
    assertThat(listening(port)).as("the node is gone").isFalse();
    assertThat(listening(cloudPort)).as("the simulated cloud is gone").isFalse();
  }

  private static Process start(Path data, Path out, int port) throws IOException {
    Path root = Path.of(System.getProperty("ballast.root", "..")).toAbsolutePath().normalize();
    Files.createDirectories(out.getParent());
    ProcessBuilder builder = new ProcessBuilder(root.resolve("bin/ballast").toString(), "demo", "--short",
        "--port", Integer.toString(port), "--data-dir", data.toString())
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().put("BALLAST_NO_BUILD", "1");
    return builder.start();
  }

  private static List<String> seconds(String text) {
    return text.lines().filter(l -> l.matches("\\s*\\d+s\\s+offered.*")).toList();
  }

  private static int cloudPort(String text) {
    Matcher m = Pattern.compile("a simulated cloud on port (\\d+)").matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static boolean listening(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
