package io.ballast.controller.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Real headless Chromium for the browser tests: Debian's {@code chromium} and {@code chromium-driver}, installed
 * through the project's {@code bin/chromium} on first use, driven over WebDriver. Selenium is given both paths, so
 * it never looks for (or downloads) a browser of its own.
 */
final class Chromium {

  private static List<String> paths;

  private Chromium() {}

  /** A new headless browser, {@code width} × {@code height} CSS pixels. */
  static ChromeDriver start(int width, int height, Path log) throws Exception {
    List<String> found = paths();
    ChromeOptions options = new ChromeOptions()
        .setBinary(found.get(0))
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=" + width + "," + height, "--force-device-scale-factor=1", "--lang=en-US");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(found.get(1)).toFile())
        .usingAnyFreePort()
        .withLogFile(log.toFile())
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }

  /** The browser's and the driver's paths, installing them first if need be. */
  private static synchronized List<String> paths() throws Exception {
    if (paths == null) {
      int installed = run("install");
      if (installed != 0) {
        throw new IllegalStateException("bin/chromium install failed with " + installed + "; see " + scriptLog());
      }
      Path out = Files.createTempFile("chromium-paths", ".txt");
      if (run(out, "paths") != 0) {
        throw new IllegalStateException("bin/chromium paths failed; see " + scriptLog());
      }
      paths = Files.readAllLines(out, StandardCharsets.UTF_8);
    }
    return paths;
  }

  private static int run(String... args) throws IOException, InterruptedException {
    return run(null, args);
  }

  private static int run(Path stdout, String... args) throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("ballast.root", "..")).toAbsolutePath().normalize();
    Files.createDirectories(scriptLog().getParent());
    List<String> command = new java.util.ArrayList<>(List.of(root.resolve("bin/chromium").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(scriptLog().toFile()))
        .redirectOutput(stdout == null ? ProcessBuilder.Redirect.appendTo(scriptLog().toFile())
            : ProcessBuilder.Redirect.to(stdout.toFile()));
    Process process = builder.start();
    if (!process.waitFor(15, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("bin/chromium " + String.join(" ", args) + " did not finish in 15 minutes");
    }
    return process.exitValue();
  }

  private static Path scriptLog() {
    return Path.of("target", "it-logs", "chromium-script.log").toAbsolutePath();
  }
}
