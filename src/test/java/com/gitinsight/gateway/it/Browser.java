package com.gitinsight.gateway.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium through /usr/bin/chromedriver, at a laptop's window size. Without them
 * the browser tests are skipped with a loud message (the test command installs nothing itself).
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("gateway.it.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("gateway.it.chromedriver", "/usr/bin/chromedriver"));
    static final Path SHOTS =
            Path.of(System.getProperty("gateway.it.dir", "target/it")).resolveSibling("screenshots");

    final ChromeDriver driver;
    final WebDriverWait wait;
    /** Chromium's profile for this browser, deleted with it (every run left one in /tmp). */
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        this.profile = profile;
    }

    static Browser start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String message = "\n**********************************************************************\n"
                    + "BROWSER TESTS SKIPPED: " + CHROMIUM + " or " + CHROMEDRIVER + " is missing.\n"
                    + "Install them (Debian/Ubuntu): apt-get install chromium chromium-driver\n"
                    + "**********************************************************************";
            System.err.println(message);
            Assumptions.abort(message);
        }
        Path profile = Files.createTempDirectory("gateway-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The flags a closed network needs (no background fetches) and running as root in a sandbox-less container.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1366,900",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    void screenshot(String name) throws Exception {
        Files.createDirectories(SHOTS);
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
    }

    @Override
    public void close() {
        driver.quit();
        try (java.util.stream.Stream<Path> tree = Files.walk(profile)) {
            tree.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // A profile left behind is litter, not a test failure.
        }
    }
}
