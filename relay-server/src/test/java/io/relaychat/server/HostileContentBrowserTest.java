package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Markup and script where a user's text goes: mallory's username, her rooms' names, her messages, her attachment URLs,
 * and the name of a file vic attaches. On vic's screen each shows as the literal text it is, where it belongs; no
 * payload becomes an element, runs, opens an alert or makes a javascript: link. The server refuses a javascript:
 * attachment outright (only its own upload URLs and https ones pass), so that refusal is what is tested for it; an
 * https URL of another origin it passes, and the page shows it as text, never as a link or an image.
 */
@IntegrationTest
class HostileContentBrowserTest {
    private static final String IMG = "<img src=x onerror=\"window.__xss=1\">";
    private static final String SCRIPT = "<script>window.__xss=1</script>";
    private static final String SVG = "\"><svg onload=window.__xss=1>";
    private static final String ELSEWHERE = "https://files.example/cat.png";

    @RegisterExtension
    static final ServedPage site = new ServedPage(Browser.DESKTOP);

    @Test
    void payloadsInNamesMessagesAttachmentsAndFileNamesShowAsTextAndNeverRun(@TempDir Path files) throws Exception {
        Api api = new Api(site.server());
        JsonNode registered = api.post("/api/auth/register", Map.of("email", "mallory@example.com", "username", IMG,
                "password", "password-of-mallory"), null).body();
        Account mallory = new Account(registered.path("user").path("id").asText(), "mallory@example.com", IMG,
                registered.path("access_token").asText());
        Account vic = api.register("vic");
        String room = api.createRoom(mallory, SVG, "private", vic);
        api.createRoom(mallory, SCRIPT, "group");
        String upload = api.upload(IMG + ".txt", "hello".getBytes(StandardCharsets.UTF_8), mallory.token())
                .body().path("url").asText();

        try (WsClient ws = WsClient.connect(site.server().ws(mallory.token()))) {
            ws.join(room);
            ws.send(Map.of("action", "send_message", "room_id", room, "content", "a link",
                    "attachments", List.of("javascript:window.__xss=1")));
            JsonNode refused = ws.nextError(0);
            assertEquals("invalid_field", refused.path("code").asText(), refused.toString());
            for (String payload : List.of(IMG, SCRIPT, SVG)) {
                ws.say(room, payload);
            }
            ws.send(Map.of("action", "send_message", "room_id", room, "content", "elsewhere",
                    "attachments", List.of(ELSEWHERE, upload)));
            ws.awaitMessages(4);

            ChatPage vics = new ChatPage(site.browser(), site.server().http()).open().logIn("vic");
            vics.await("mallory's messages", page -> page.contents().equals(List.of(IMG, SCRIPT, SVG, "elsewhere")));
            vics.shot("vic-sees-the-payloads");

            assertEquals(SVG, vics.text("room-title"), "the room's name");
            assertTrue(vics.find("room-list").getText().contains(SVG), vics.find("room-list").getText());
            assertEquals(List.of(IMG), vics.messages().stream().map(ChatPage.Shown::author).distinct().toList());
            vics.await("mallory online", page -> page.text("online-users").equals("Online: " + IMG + ", vic (you)"));
            List<WebElement> attachments = site.browser().driver().findElements(By.cssSelector(".message-attachments li"));
            assertEquals(2, attachments.size());
            assertEquals(ELSEWHERE, attachments.get(0).getText(), "another origin's URL shown as text");
            assertEquals(List.of(), attachments.get(0).findElements(By.cssSelector("a, img")), "nor linked nor loaded");
            WebElement file = attachments.get(1).findElement(By.cssSelector("a.file-link"));
            assertEquals(upload, file.getDomAttribute("href"));
            assertFalse(file.getText().contains("<"), "the link shows the stored name: " + file.getText());

            // the name of a file vic attaches
            Path hostileFile = Files.writeString(files.resolve(SVG + ".txt"), "some text");
            vics.find("file-input").sendKeys(hostileFile.toString());
            vics.await("the attachment uploaded", page -> !page.driver()
                    .findElements(By.cssSelector("#attachments li.attachment.ready")).isEmpty());
            assertEquals(SVG + ".txt", vics.driver().findElement(By.cssSelector("#attachments .attachment-name")).getText());
            vics.shot("vic-attached-a-hostile-file-name");

            // mallory's public room in Discover, and her name in the people search
            vics.find("discover-button").click();
            vics.await("mallory's room in Discover", page -> page.driver().findElements(By.cssSelector("#dialog .pick-name"))
                    .stream().anyMatch(name -> name.getText().equals(SCRIPT)));
            vics.shot("vic-discovers-a-hostile-room-name");
            vics.press(Keys.ESCAPE);
            vics.await("the dialog closed", page -> !page.find("dialog").isDisplayed());
            vics.find("direct-button").click();
            vics.await("the search field", page -> page.find("user-search-input").isDisplayed());
            vics.find("user-search-input").sendKeys("mallory");
            vics.await("mallory found", page -> page.driver().findElements(By.cssSelector("#dialog .pick-name"))
                    .stream().anyMatch(name -> name.getText().equals(IMG)));
            vics.shot("vic-finds-a-hostile-username");
            vics.find("dialog-close").click(); // Escape in a filled search field empties the field first
            vics.await("the dialog closed", page -> !page.find("dialog").isDisplayed());

            assertNothingRan(vics);
            vics.assertCleanConsole();
        }
    }

    /** No payload became an element or a script: the page holds only its own images, scripts and links. */
    private static void assertNothingRan(ChatPage page) {
        assertEquals("undefined", page.browser().run("return typeof window.__xss"), "a payload's script ran");
        assertFalse(page.alertOpen(), "an alert is open");
        assertEquals(List.of(), page.browser().run("""
                return [...document.querySelectorAll('*')]
                  .filter(e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on')))
                  .map(e => e.outerHTML);"""), "elements with event-handler attributes");
        assertEquals(0L, page.browser().run("return document.querySelectorAll('svg').length"), "svg elements");
        assertEquals(List.of(), page.browser().run("""
                return [...document.scripts].filter(s => !s.src || new URL(s.src).origin !== location.origin)
                  .map(s => s.outerHTML);"""), "scripts other than the page's own");
        assertEquals(List.of(), page.browser().run("""
                return [...document.images].filter(i => !i.matches('.preview, .thumb, .icon')
                  || new URL(i.src, location.href).origin !== location.origin && !i.src.startsWith('blob:'))
                  .map(i => i.outerHTML);"""), "images other than the page's own and uploads");
        assertEquals(List.of(), page.browser().run("""
                return [...document.querySelectorAll('a[href]')].filter(a => a.protocol !== 'http:' && a.protocol !== 'https:'
                  || a.origin !== location.origin).map(a => a.outerHTML);"""), "links off the page's origin or not http");
    }
}
