package io.relaychat.server;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One person in front of the web client: the steps they take (log in, pick a room, type, press Enter, click a dialog's
 * button), each done through the page's own controls as a person does it, and what their screen then shows (read
 * from the DOM, never by calling the client's code). The accounts follow {@link Api#register}'s convention (email
 * {@code <name>@example.com}, password {@code password-of-<name>}), so the test's own clients can log in as them.
 */
final class ChatPage {
    /** A message as the screen shows it. */
    record Shown(long seq, String author, String content, boolean own) {
    }

    private final Browser browser;
    private final String origin;

    ChatPage(Browser browser, String origin) {
        this.browser = browser;
        this.origin = origin;
    }

    Browser browser() {
        return browser;
    }

    static String email(String username) {
        return username.replaceAll("[^A-Za-z0-9]", "") + "@example.com";
    }

    static String password(String username) {
        return "password-of-" + username;
    }

    /** Loads the page and waits until its script shows the log-in view. */
    ChatPage open() {
        browser.open(origin + "/");
        browser.await(page -> page.findElement(By.id("auth-view")).isDisplayed());
        return this;
    }

    WebElement find(String id) {
        return browser.driver().findElement(By.id(id));
    }

    String text(String id) {
        return find(id).getText();
    }

    /** Creates the account with the form's "Create account" tab and waits for the chat view. */
    ChatPage register(String username) {
        find("tab-register").click();
        fill("auth-email", email(username));
        fill("auth-username", username);
        fill("auth-password", password(username));
        find("auth-submit").click();
        return awaitChat();
    }

    /** Logs in with the form (in the mode it shows, log-in), pressing Enter in the password field. */
    ChatPage logIn(String username) {
        fill("auth-email", email(username));
        fill("auth-password", password(username));
        find("auth-password").sendKeys(Keys.ENTER);
        return awaitChat();
    }

    private ChatPage awaitChat() {
        browser.await(page -> page.findElement(By.id("chat-view")).isDisplayed());
        return this;
    }

    void fill(String id, String value) {
        WebElement field = find(id);
        field.clear();
        field.sendKeys(value);
    }

    /** On a narrow screen the room list and its buttons are behind the menu: opens it when it is closed. */
    void showRooms() {
        WebElement toggle = find("menu-toggle");
        if (toggle.isDisplayed() && !"true".equals(toggle.getAttribute("aria-expanded"))) {
            toggle.click();
            browser.await(page -> page.findElement(By.id("new-room-button")).isDisplayed());
        }
    }

    /** Creates a room with the New room dialog; it opens. Returns its id. */
    String createRoom(String name, String type) {
        showRooms();
        find("new-room-button").click();
        browser.await(page -> page.findElement(By.id("room-name-input")).isDisplayed());
        fill("room-name-input", name);
        new Select(find("room-type-input")).selectByValue(type);
        find("room-name-input").sendKeys(Keys.ENTER);
        browser.await(page -> !find("dialog").isDisplayed() && name.equals(text("room-title")));
        return roomIdNamed(name);
    }

    /** Joins the public room {@code name} from the Discover dialog; it opens. Returns its id. */
    String joinFromDiscover(String name) {
        showRooms();
        find("discover-button").click();
        browser.await(page -> page.findElement(By.cssSelector("#dialog button[aria-label='Join " + name + "']")))
                .click();
        browser.await(page -> !find("dialog").isDisplayed() && name.equals(text("room-title")));
        return roomIdNamed(name);
    }

    /** Opens a direct room with {@code username} from the Direct message dialog's search. Returns its id. */
    String messageDirectly(String username) {
        showRooms();
        find("direct-button").click();
        browser.await(page -> page.findElement(By.id("user-search-input")).isDisplayed());
        find("user-search-input").sendKeys(username);
        browser.await(page -> page.findElement(By.cssSelector("#dialog button[aria-label='Message " + username + "']")))
                .click();
        browser.await(page -> !find("dialog").isDisplayed() && find("room").isDisplayed());
        return roomIdNamed(text("room-title"));
    }

    /** Clicks the room in the list (opening the menu first on a narrow screen) and waits until it is shown. */
    void openRoom(String roomId) {
        showRooms();
        WebElement button = roomButton(roomId);
        String name = button.findElement(By.className("room-name")).getText();
        button.click();
        browser.await(page -> find("room").isDisplayed() && name.equals(text("room-title")));
    }

    /** The id of the room called {@code name} in the list (the one room of that name). */
    String roomIdNamed(String name) {
        return browser.await(page -> (String) browser.run("""
                const button = [...document.querySelectorAll('#room-list button.room-button')]
                  .find(b => b.querySelector('.room-name')?.textContent === arguments[0]);
                return button?.dataset.roomId ?? null;""", name));
    }

    WebElement roomButton(String roomId) {
        return browser.await(page -> page.findElement(By.cssSelector("button.room-button[data-room-id='" + roomId + "']")));
    }

    /** The room the list marks as the open one (aria-current); null when it marks none. */
    String currentRoomId() {
        return (String) browser.run("return document.querySelector('#room-list button.room-button[aria-current=\"true\"]')"
                + "?.dataset.roomId ?? null;");
    }

    /** The ids of the rooms in the list, top to bottom. */
    @SuppressWarnings("unchecked")
    List<String> roomIds() {
        return (List<String>) browser.run(
                "return [...document.querySelectorAll('#room-list button.room-button')].map(b => b.dataset.roomId);");
    }

    /** The unread badge's number on a room's button; 0 when it has none. */
    int unread(String roomId) {
        Object count = browser.run("""
                const button = [...document.querySelectorAll('button.room-button')]
                  .find(b => b.dataset.roomId === arguments[0]);
                return button?.querySelector('.unread [aria-hidden]')?.textContent ?? '0';""", roomId);
        return Integer.parseInt((String) count);
    }

    /**
     * Waits until {@code condition} holds for this screen; when it never does, says {@code what} was awaited and what
     * the screen showed instead (and keeps a screenshot of it).
     */
    void await(String what, Predicate<ChatPage> condition) {
        await(Browser.WAIT, what, condition);
    }

    void await(java.time.Duration timeout, String what, Predicate<ChatPage> condition) {
        try {
            browser.await(timeout, page -> condition.test(this));
        } catch (org.openqa.selenium.TimeoutException timedOut) {
            shot("timed-out");
            throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; the screen shows: title "
                    + title() + ", connection " + connection() + ", rooms "
                    + browser.run("return document.getElementById('room-list').textContent") + ", room "
                    + text("room-title") + ", " + text("online-users") + ", messages " + messages() + ", pending "
                    + pending() + ", notices " + browser.run("return document.getElementById('notices').textContent"),
                    timedOut);
        }
    }

    /** Types {@code text} in the composer (a person's key presses) and sends it with Enter. */
    void send(CharSequence... keys) {
        WebElement input = find("message-input");
        input.click();
        input.sendKeys(keys);
        input.sendKeys(Keys.ENTER);
    }

    /** Presses {@code key} where the focus is, as a person at the keyboard does. */
    void press(CharSequence key) {
        new org.openqa.selenium.interactions.Actions(browser.driver()).sendKeys(key).perform();
    }

    /** The delivered messages of the open room, top to bottom. */
    List<Shown> messages() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) browser.run("""
                return [...document.querySelectorAll('#messages li.message:not(.pending)')].map(li => ({
                  seq: Number(li.dataset.seq), author: li.querySelector('.author')?.textContent ?? '',
                  content: li.querySelector('.content')?.textContent ?? '', own: li.classList.contains('own')}));""");
        return rows.stream().map(row -> new Shown(((Number) row.get("seq")).longValue(), (String) row.get("author"),
                (String) row.get("content"), (Boolean) row.get("own"))).toList();
    }

    List<String> contents() {
        return messages().stream().map(Shown::content).toList();
    }

    /** Waits until the open room shows a delivered message with {@code content}. */
    Shown awaitMessage(String content) {
        return browser.await(page -> messages().stream().filter(m -> m.content().equals(content)).findFirst().orElse(null));
    }

    /** The contents of the user's sends that are on screen and not yet acknowledged. */
    @SuppressWarnings("unchecked")
    List<String> pending() {
        return (List<String>) browser.run("return [...document.querySelectorAll('#messages li.message.pending')]"
                + ".map(li => li.querySelector('.content')?.textContent ?? '');");
    }

    String connection() {
        return find("connection-status").getAttribute("data-state");
    }

    String title() {
        return browser.driver().getTitle();
    }

    /** Whether a script's alert, confirm or prompt is open. */
    boolean alertOpen() {
        try {
            browser.driver().switchTo().alert();
            return true;
        } catch (NoAlertPresentException none) {
            return false;
        }
    }

    void shot(String name) {
        browser.screenshot(name);
    }

    /** Whether the page scrolls sideways: its content wider than its window. */
    boolean scrollsSideways() {
        return (Boolean) browser.run("return document.documentElement.scrollWidth > window.innerWidth;");
    }

    /**
     * Says that the page's console has no error and no Content-Security-Policy violation, except the errors matching
     * one of {@code expected} (those a test provoked on purpose, as a refused request or a cut connection).
     */
    void assertCleanConsole(Pattern... expected) {
        var console = browser.console();
        assertEquals(List.of(), Browser.policyViolations(console), "policy violations");
        Predicate<String> allowed = message -> List.of(expected).stream().anyMatch(p -> p.matcher(message).find());
        assertEquals(List.of(), Browser.errors(console).stream().filter(allowed.negate()).toList(), "console errors");
    }

    WebDriver driver() {
        return browser.driver();
    }
}
