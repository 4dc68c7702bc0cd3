package io.relaychat.server;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The web client as assistive technology meets it: axe-core's rules (labels, names, roles, landmarks, headings,
 * contrast, lists) run in a real Chromium over each state a user passes through, on a desktop and on a phone's
 * screen, and none may be broken. A screen reader finds every control by its name only if these hold.
 */
@IntegrationTest
class AccessibilityBrowserTest {
    private static RunningServer server;

    @BeforeAll
    static void start() {
        Browser.assumeInstalled();
        server = RunningServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyViewOnADesktopPassesTheAccessibilityRules() {
        try (Browser browser = Browser.start(AccessibilityBrowserTest.class, Browser.DESKTOP)) {
            ChatPage page = new ChatPage(browser, server.http()).open();
            assertAccessible(browser, "log-in view");
            page.register("ada");

            click(browser, "new-room-button");
            browser.await(driver -> driver.findElement(By.id("room-name-input")).isDisplayed());
            assertAccessible(browser, "new-room dialog");
            browser.driver().findElement(By.id("room-name-input")).sendKeys("accessible", Keys.ENTER);
            browser.await(driver -> driver.findElement(By.id("room-title")).getText().equals("accessible"));

            WebDriver chrome = browser.driver();
            chrome.findElement(By.id("message-input")).sendKeys("first line", Keys.SHIFT, Keys.ENTER, Keys.SHIFT, "second", Keys.ENTER);
            browser.await(driver -> !driver.findElements(By.cssSelector("li.message:not(.pending)")).isEmpty());
            browser.run("document.getElementById('message-input').value = 'x'.repeat(4001);");
            chrome.findElement(By.id("message-input")).sendKeys(Keys.ENTER);
            browser.await(driver -> !driver.findElements(By.cssSelector("li.message.failed")).isEmpty());
            assertAccessible(browser, "a room with a sent and a failed message");

            click(browser, "direct-button");
            browser.await(driver -> driver.findElement(By.id("user-search-input")).isDisplayed());
            assertAccessible(browser, "direct-message dialog");
            chrome.findElement(By.id("user-search-input")).sendKeys(Keys.ESCAPE);
            browser.await(driver -> !driver.findElement(By.id("dialog")).isDisplayed());
        }
    }

    @Test
    void theRoomListOnAPhoneScreenPassesTheAccessibilityRules() {
        try (Browser browser = Browser.start(AccessibilityBrowserTest.class, Browser.PHONE)) {
            new ChatPage(browser, server.http()).open().register("bea");
            click(browser, "menu-toggle");
            browser.await(driver -> "true".equals(driver.findElement(By.id("menu-toggle")).getAttribute("aria-expanded")));
            assertAccessible(browser, "phone, room list open");
        }
    }

    private static void click(Browser browser, String id) {
        browser.await(driver -> driver.findElement(By.id(id)).isDisplayed());
        browser.driver().findElement(By.id(id)).click();
    }

    private static void assertAccessible(Browser browser, String state) {
        browser.screenshot(state.replaceAll("[^a-z0-9]+", "-"));
        Results results = new AxeBuilder().analyze(browser.driver());
        List<Rule> violations = results.getViolations();
        assertEquals("", violations.stream()
                .map(rule -> rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " at "
                        + rule.getNodes().stream().map(node -> node.getTarget().toString()).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("\n")), "axe-core violations in the " + state);
    }
}
