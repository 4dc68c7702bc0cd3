package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Files through the web client: ann picks a picture and a text file with the attach button's file input and sends
 * them; bob sees the picture's preview (loaded) and a link that downloads the text as it was. A file dropped on the
 * room is attached and sent the same way (the drop is dispatched by a script: WebDriver cannot drag a file from the
 * desktop, so this is the one step a script takes for the person).
 */
@IntegrationTest
class UploadsBrowserTest {
    private static RunningServer server;
    private static Browser annsBrowser;
    private static Browser bobsBrowser;

    @BeforeAll
    static void start() {
        Browser.assumeInstalled();
        server = RunningServer.start();
        annsBrowser = Browser.start(UploadsBrowserTest.class, Browser.DESKTOP);
        bobsBrowser = annsBrowser.another(Browser.DESKTOP);
    }

    @AfterAll
    static void stop() {
        if (bobsBrowser != null) {
            bobsBrowser.close();
        }
        if (annsBrowser != null) {
            annsBrowser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPictureAndATextFileChosenOrDroppedReachTheOtherScreen(@TempDir Path files) throws Exception {
        Api api = new Api(server);
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        api.createRoom(ann, "Files", bob);
        ChatPage anns = new ChatPage(annsBrowser, server.http()).open().logIn("ann");
        ChatPage bobs = new ChatPage(bobsBrowser, server.http()).open().logIn("bob");
        anns.await("the room open", page -> page.text("room-title").equals("Files"));
        bobs.await("the room open", page -> page.text("room-title").equals("Files"));

        Path picture = files.resolve("square.png");
        BufferedImage image = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 24; x++) {
            for (int y = 0; y < 16; y++) {
                image.setRGB(x, y, (x < 12 ? Color.ORANGE : Color.BLUE).getRGB());
            }
        }
        ImageIO.write(image, "png", picture.toFile());
        byte[] notes = "first line\nsecond line: äöü\n".getBytes(StandardCharsets.UTF_8);
        Path text = Files.write(files.resolve("notes.txt"), notes);

        anns.find("file-input").sendKeys(picture + "\n" + text);
        anns.await("both files uploaded", page -> page.driver()
                .findElements(By.cssSelector("#attachments li.attachment.ready")).size() == 2);
        anns.shot("ann-attached-two-files");
        anns.send("two files");
        anns.await("the attachments sent", page -> page.driver().findElements(By.cssSelector("#attachments li")).isEmpty());

        Object[] shown = bobs.browser().await(page -> {
            List<WebElement> previews = page.findElements(By.cssSelector("#messages li.message img.preview"));
            List<WebElement> links = page.findElements(By.cssSelector("#messages li.message a.file-link"));
            return previews.size() == 1 && links.size() == 1 ? new Object[] {previews.get(0), links.get(0)} : null;
        });
        bobs.await("the preview loaded", page -> (Boolean) page.browser().run(
                "return arguments[0].complete && arguments[0].naturalWidth === 24", shown[0]));
        bobs.shot("bob-sees-the-picture-and-the-file");
        assertEquals("two files", bobs.awaitMessage("two files").content());
        assertArrayEquals(notes, download(((WebElement) shown[1]).getDomAttribute("href")), "the file as ann sent it");
        assertArrayEquals(Files.readAllBytes(picture), download(((WebElement) shown[0]).getDomAttribute("src")));

        // a file dropped on the room: the drop zone shows while it is dragged over, and the file is attached
        byte[] dropped = "dropped on the room\n".getBytes(StandardCharsets.UTF_8);
        anns.browser().run("""
                const transfer = new DataTransfer();
                transfer.items.add(new File([arguments[0]], 'dropped.txt', {type: 'text/plain'}));
                window.__drop = transfer;
                document.getElementById('message-log').dispatchEvent(
                  new DragEvent('dragenter', {bubbles: true, cancelable: true, dataTransfer: transfer}));""",
                new String(dropped, StandardCharsets.UTF_8));
        anns.await("the drop zone shown", page -> page.find("drop-zone").isDisplayed());
        anns.shot("ann-drags-a-file");
        anns.browser().run("""
                const target = document.getElementById('message-log');
                for (const type of ['dragover', 'drop']) {
                  target.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: window.__drop}));
                }
                delete window.__drop;""");
        anns.await("the dropped file uploaded", page -> !page.find("drop-zone").isDisplayed() && page.driver()
                .findElements(By.cssSelector("#attachments li.attachment.ready")).size() == 1);
        assertEquals("dropped.txt", anns.driver().findElement(By.cssSelector("#attachments .attachment-name")).getText());
        anns.shot("ann-dropped-a-file");
        anns.find("send-button").click();

        WebElement droppedLink = bobs.browser().await(page -> {
            List<WebElement> links = page.findElements(By.cssSelector("#messages li.message a.file-link"));
            return links.size() == 2 ? links.get(1) : null;
        });
        assertArrayEquals(dropped, download(droppedLink.getDomAttribute("href")), "the dropped file as ann had it");
        bobs.shot("bob-sees-the-dropped-file");

        anns.assertCleanConsole();
        bobs.assertCleanConsole();
    }

    private static byte[] download(String path) {
        Api.Response response = new Api(server).send(new Api(server).request(path, null).GET());
        assertEquals(200, response.status(), path);
        return response.raw().body();
    }
}
