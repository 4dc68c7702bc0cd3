package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A private room made and shared through the web client, in a real Chromium: created from the new-room dialog, hidden
 * from everyone else's discovery, a member added by email (an unknown email answered in words, not a code), and the
 * added user finding it with its history when they log in (a wrong password first, answered in words too). Along the
 * way: the signed-in page keeps its token out of every store a script could read.
 */
@IntegrationTest
class PrivateRoomBrowserTest {
    private static RunningServer server;
    private static Api api;

    @BeforeAll
    static void start() {
        Browser.assumeInstalled();
        server = RunningServer.start();
        api = new Api(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPrivateRoomIsSharedByEmailAndFoundWithItsHistoryByTheAddedMember() {
        Account bob = api.register("bob");
        Account carol = api.register("carol");
        try (Browser ann = Browser.start(PrivateRoomBrowserTest.class, Browser.DESKTOP)) {
            ChatPage annPage = new ChatPage(ann, server.http()).open().register("ann");
            WebDriver page = ann.driver();

            click(ann, "new-room-button");
            ann.await(driver -> driver.findElement(By.id("room-name-input")).isDisplayed());
            page.findElement(By.id("room-name-input")).sendKeys("hideout");
            new Select(page.findElement(By.id("room-type-input"))).selectByValue("private");
            page.findElement(By.cssSelector("#dialog button[type=submit]")).click();
            ann.await(driver -> driver.findElement(By.id("room-title")).getText().equals("hideout"));
            String roomId = page.findElement(By.cssSelector(".room-button[aria-current=true]")).getAttribute("data-room-id");
            assertEquals("Private:", page.findElement(By.cssSelector(".room-button[aria-current=true] img.room-kind"))
                    .getAttribute("alt"), "the room list marks a private room for every reader");
            page.findElement(By.id("message-input")).sendKeys("only for us", Keys.ENTER);
            ann.await(driver -> !driver.findElements(By.cssSelector("li.message:not(.pending)")).isEmpty());
            ann.screenshot("private-room-created");

            click(ann, "add-member-button");
            ann.await(driver -> driver.findElement(By.id("member-email-input")).isDisplayed());
            page.findElement(By.id("member-email-input")).sendKeys("nobody@example.com", Keys.ENTER);
            ann.await(driver -> driver.findElement(By.cssSelector("#dialog .form-error")).getText()
                    .equals("No user with that email or name."));
            ann.screenshot("unknown-member-refused");
            WebElement email = page.findElement(By.id("member-email-input"));
            email.clear();
            email.sendKeys(bob.email(), Keys.ENTER);
            ann.await(driver -> driver.findElements(By.cssSelector("#notices .notice span")).stream()
                    .anyMatch(notice -> notice.getText().equals("bob was added to hideout.")));
            assertFalse(page.findElement(By.id("dialog")).isDisplayed());
            ann.screenshot("member-added");

            assertFalse(api.get("/api/rooms/discover/all", carol.token()).body().toString().contains(roomId),
                    "a private room is not offered to others");
            assertEquals(403, api.get("/api/rooms/" + roomId + "/messages", carol.token()).status());

            List<?> stores = (List<?>) ann.run("return [localStorage.length, sessionStorage.length, document.cookie,"
                    + " document.documentElement.outerHTML.includes('eyJ')];");
            assertEquals(List.of(0L, 0L, "", false), stores, "the token is in no storage, cookie or markup of the page");

            try (Browser bobs = ann.another(Browser.DESKTOP)) {
                bobs.open(server.http() + "/");
                bobs.await(driver -> driver.findElement(By.id("auth-view")).isDisplayed());
                WebDriver bobPage = bobs.driver();
                bobPage.findElement(By.id("auth-email")).sendKeys(bob.email());
                bobPage.findElement(By.id("auth-password")).sendKeys("not-his-password", Keys.ENTER);
                bobs.await(driver -> driver.findElement(By.id("auth-error")).getText().equals("Wrong email or password."));
                bobs.screenshot("wrong-password");
                bobPage.findElement(By.id("auth-password")).clear();
                bobPage.findElement(By.id("auth-password")).sendKeys(ChatPage.password("bob"), Keys.ENTER);
                bobs.await(driver -> driver.findElement(By.id("chat-view")).isDisplayed());
                bobs.await(driver -> driver.findElement(By.id("room-title")).getText().equals("hideout"));
                bobs.await(driver -> driver.findElements(By.cssSelector("li.message .content")).stream()
                        .anyMatch(content -> content.getText().equals("only for us")));
                assertEquals("ann", bobPage.findElement(By.cssSelector("li.message .author")).getText());
                bobs.await(driver -> driver.findElement(By.id("online-users")).getText().contains("ann"));
                bobs.screenshot("added-member-sees-history");
                new ChatPage(bobs, server.http()).assertCleanConsole(Pattern.compile("401")); // only the refused log-in
            }
            annPage.assertCleanConsole(Pattern.compile("404")); // only the unknown member
        }
    }

    private static void click(Browser browser, String id) {
        browser.await(driver -> driver.findElement(By.id(id)).isDisplayed());
        browser.driver().findElement(By.id(id)).click();
    }
}
