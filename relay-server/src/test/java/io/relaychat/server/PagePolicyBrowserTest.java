package io.relaychat.server;

import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The served web client in a real browser: its page loads and its script runs (it shows the log-in view, which the page
 * keeps hidden for it), with nothing in red in the console and nothing refused by the page's Content-Security-Policy;
 * and that policy is live, so a script written into the page does not run, and the page reaches its own origin (HTTP
 * and WebSocket) and no other. Skips where Chromium or chromedriver is not installed.
 */
@IntegrationTest
class PagePolicyBrowserTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    @RegisterExtension
    static final ServedPage site = new ServedPage(Browser.PHONE);

    /**
     * The client's script has run once it shows the log-in view (the page has it hidden until then): its title's text,
     * once shown.
     */
    private static String started(Browser browser) {
        return browser.await(page -> {
            WebElement view = page.findElement(By.id("auth-view"));
            return view.isDisplayed() ? page.findElement(By.id("auth-title")).getText() : null;
        });
    }

    @Test
    void thePageLoadsAndItsScriptRunsWithACleanConsole() throws Exception {
        site.browser().open(site.server().http() + "/");

        String app = started(site.browser());
        Path shot = site.browser().screenshot("page-loaded");
        List<LogEntry> console = site.browser().newConsole();

        assertEquals("RelayChat", app);
        assertEquals(List.of(), Browser.errors(console), "console errors");
        assertEquals(List.of(), Browser.policyViolations(console), "policy violations");
        byte[] head = new byte[PNG_SIGNATURE.length];
        System.arraycopy(Files.readAllBytes(shot), 0, head, 0, head.length);
        assertArrayEquals(PNG_SIGNATURE, head, shot + " is a PNG");
        assertEquals(360L, site.browser().run("return window.innerWidth"), "the window is a phone's width");
    }

    @Test
    void aScriptWrittenIntoThePageDoesNotRunAndTheConsoleSaysWhy() {
        site.browser().open(site.server().http() + "/");
        site.browser().newConsole();

        Object ran = site.browser().run("""
                window.injectedRan = false;
                const script = document.createElement('script');
                script.textContent = 'window.injectedRan = true';
                document.head.appendChild(script);
                return window.injectedRan;""");

        assertEquals(false, ran, "an inline script ran despite the page's policy");
        List<String> refusals = site.browser().await(page -> {
            List<String> found = Browser.policyViolations(site.browser().newConsole());
            return found.isEmpty() ? null : found;
        });
        assertTrue(refusals.get(0).contains("inline script"), refusals.toString());
        assertTrue(refusals.get(0).contains("script-src 'self'"), refusals.toString());
    }

    @Test
    void thePageTalksToItsOwnOriginOverHttpAndWebSocketAndToNoOther() {
        Api.Account user = new Api(site.server()).register("browser" + System.nanoTime() % 1_000_000);
        site.browser().open(site.server().http() + "/");
        site.browser().newConsole();
        String otherOrigin = "http://localhost:" + site.server().port;

        Object reached = site.browser().runAsync("""
                const [otherOrigin, socketUrl, done] = arguments;
                const status = url => fetch(url).then(answer => answer.status, () => 'refused');
                const socket = () => new Promise(resolve => {
                  const ws = new WebSocket(socketUrl);
                  ws.onopen = () => { ws.close(); resolve('open'); };
                  ws.onerror = () => resolve('refused');
                });
                (async () => [await status('/api/health'), await status(otherOrigin + '/api/health'), await socket()])()
                  .then(done);""", otherOrigin, "ws://127.0.0.1:" + site.server().port + "/api/ws?token=" + user.token());

        assertEquals(List.of(200L, "refused", "open"), reached, "own origin, another origin, the WebSocket");
        List<String> refusals = site.browser().await(page -> {
            List<String> found = Browser.policyViolations(site.browser().newConsole());
            return found.isEmpty() ? null : found;
        });
        assertTrue(refusals.stream().allMatch(refusal -> refusal.contains(otherOrigin)), refusals.toString());
        assertTrue(refusals.stream().anyMatch(refusal -> refusal.contains("connect-src 'self'")), refusals.toString());
    }

    @Test
    void twoBrowsersAreTwoUsersWhoShareNothing() {
        site.browser().open(site.server().http() + "/");
        site.browser().run("window.localStorage.setItem('relaychat.who', 'first')");

        try (Browser second = site.browser().another(Browser.DESKTOP)) {
            second.open(site.server().http() + "/");
            assertEquals("RelayChat", started(second));
            second.screenshot("second-browser");

            assertEquals(null, second.run("return window.localStorage.getItem('relaychat.who')"));
            assertEquals(1280L, second.run("return window.innerWidth"));
            assertEquals(List.of(), Browser.errors(second.console()), "console errors");
        }
        assertEquals("first", site.browser().run("return window.localStorage.getItem('relaychat.who')"));
        assertFalse(Files.exists(Path.of(System.getProperty("user.home"), ".cache", "selenium")),
                "Selenium Manager ran: it keeps what it finds or downloads under ~/.cache/selenium");
    }
}
