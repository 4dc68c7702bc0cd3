package io.relaychat.server;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One real browser for a test: Debian's Chromium, headless, driven through Debian's chromedriver, both given by path
 * so that Selenium Manager is never asked to find (or download) either. Each browser has a fresh profile of its own
 * under target/, so two of them are two users who share nothing (no storage, no cookies). It keeps what the page
 * wrote to its console, so a test can say there was no error and no Content-Security-Policy violation, and saves
 * named screenshots under target/browser-screenshots/&lt;test class&gt;/. A window narrower than
 * {@value #NARROWEST_WINDOW} px is an emulated phone's screen ({@link #PHONE}).
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** A phone's width, the narrowest a chat UI must still work at. */
    static final Dimension PHONE = new Dimension(360, 740);
    static final Dimension DESKTOP = new Dimension(1280, 800);
    /** Below this width Chromium's window will not shrink, so the page is shown on an emulated phone instead. */
    static final int NARROWEST_WINDOW = 500;
    /** How long a page may take to load, and a wait for the page to get somewhere, at most. */
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path TARGET = Path.of("target");
    /** Each test class's screenshot count, so that the browsers of its tests number on and overwrite none. */
    private static final Map<Class<?>, AtomicInteger> SCREENSHOTS = new ConcurrentHashMap<>();
    /**
     * Every flag is for a headless run as root on a shared machine with no network: no sandbox (root cannot have
     * one), no GPU, /tmp instead of a small /dev/shm, and none of the background traffic (updates, sync, QUIC,
     * component downloads) that would only wait on a network that is not there.
     */
    private static final List<String> FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync");

    private final Class<?> testClass;
    private final AtomicInteger screenshots;
    private final Path profile;
    private final ChromeDriver driver;
    private final List<LogEntry> console = new ArrayList<>();
    private int consoleRead;

    private Browser(Class<?> testClass, AtomicInteger screenshots, Dimension window) {
        this.testClass = testClass;
        this.screenshots = screenshots;
        try {
            Files.createDirectories(TARGET.resolve("browser-profiles"));
            this.profile = Files.createTempDirectory(TARGET.resolve("browser-profiles"), "chromium-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile, "--window-size=" + window.width + "," + window.height);
        if (window.width < NARROWEST_WINDOW) {
            // A desktop window is never narrower than about 500 px, whatever --window-size says: a phone's width is
            // had the way DevTools has it, by emulating the phone's screen (and its touch, as a phone has).
            options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics", Map.of(
                    "width", window.width, "height", window.height, "pixelRatio", 1.0, "touch", true, "mobile", true)));
        }
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        Path driverLog = profile.resolveSibling(profile.getFileName() + "-chromedriver.log");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(driverLog.toFile())
                .build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    /**
     * Skips the calling test (a JUnit assumption) where the browser or its driver is not installed, as on a
     * developer's machine without them; CI installs both (.ci/run), so there the tests run.
     */
    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                        + "): apt-get install -y chromium chromium-driver");
    }

    /** A browser of {@code window}'s size, its screenshots kept under {@code testClass}'s name. */
    static Browser start(Class<?> testClass, Dimension window) {
        assumeInstalled();
        return new Browser(testClass, SCREENSHOTS.computeIfAbsent(testClass, test -> new AtomicInteger()), window);
    }

    /** A second browser, with a profile of its own (another user), whose screenshots number on with this one's. */
    Browser another(Dimension window) {
        return new Browser(testClass, screenshots, window);
    }

    /** Loads {@code url} and returns once the page has loaded (its module scripts included). */
    Browser open(String url) {
        driver.get(url);
        return this;
    }

    WebDriver driver() {
        return driver;
    }

    /** Runs {@code script} in the page, as {@link JavascriptExecutor#executeScript} does. */
    Object run(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /**
     * Runs {@code script} in the page and waits at most {@link #WAIT} for it to call its last argument with the result,
     * as {@link JavascriptExecutor#executeAsyncScript} does.
     */
    Object runAsync(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }

    /** Waits at most {@link #WAIT} until {@code condition} holds (is neither null nor false), and returns its value. */
    <T> T await(Function<WebDriver, T> condition) {
        return await(WAIT, condition);
    }

    /** Waits at most {@code timeout} until {@code condition} holds: for what takes longer, as a reconnect's backoff. */
    <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout).until(condition);
    }

    /** Saves the window as target/browser-screenshots/&lt;test class&gt;/&lt;nn&gt;-&lt;name&gt;.png and returns the file. */
    Path screenshot(String name) {
        Path file = TARGET.resolve("browser-screenshots").resolve(testClass.getSimpleName())
                .resolve(String.format(Locale.ROOT, "%02d-%s.png", screenshots.incrementAndGet(), name));
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Everything the page wrote to its console so far (the browser hands each entry over once; this keeps them). */
    List<LogEntry> console() {
        driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
        return List.copyOf(console);
    }

    /** The console's entries since the last call of this method: what one step of a test caused. */
    List<LogEntry> newConsole() {
        List<LogEntry> all = console();
        List<LogEntry> fresh = all.subList(consoleRead, all.size());
        consoleRead = all.size();
        return fresh;
    }

    /** The errors among {@code entries}: what a user's console would show in red. */
    static List<String> errors(List<LogEntry> entries) {
        return entries.stream().filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    /** The Content-Security-Policy refusals among {@code entries}. */
    static List<String> policyViolations(List<LogEntry> entries) {
        return entries.stream().map(LogEntry::getMessage).filter(message -> message.contains("Content Security Policy"))
                .toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // a profile left behind under target/ is cleaned with the build
            }
        }
    }
}
