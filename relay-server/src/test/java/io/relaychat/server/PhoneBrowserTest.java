package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web client on a phone's 360 px screen: the menu opens the room list, a room opens (and the list gets out of the
 * way), a message goes out and one comes in, a dialog fits the screen, and at no step does the page scroll sideways.
 */
@IntegrationTest
class PhoneBrowserTest {
    @RegisterExtension
    static final ServedPage site = new ServedPage(Browser.PHONE);

    /** The element's left and right edges, in CSS pixels of the viewport. */
    @SuppressWarnings("unchecked")
    private static List<Number> edges(ChatPage page, String id) {
        return (List<Number>) page.browser().run(
                "const r = document.getElementById(arguments[0]).getBoundingClientRect(); return [r.left, r.right];", id);
    }

    private static void assertFits(ChatPage page, String id, String step) {
        List<Number> edges = edges(page, id);
        assertTrue(edges.get(0).doubleValue() >= 0 && edges.get(1).doubleValue() <= 360, step + ": #" + id + " " + edges);
        assertFalse(page.scrollsSideways(), step + ": the page scrolls sideways");
    }

    @Test
    void onA360PixelScreenTheMenuRoomsMessagesAndDialogsFit() {
        Api api = new Api(site.server());
        Account pat = api.register("pat");
        Account quinn = api.register("quinn");
        String room = api.createRoom(quinn, "A room with a rather long name for a phone", pat);
        ChatPage phone = new ChatPage(site.browser(), site.server().http()).open();
        assertEquals(360L, site.browser().run("return window.innerWidth"), "a phone's viewport");
        phone.shot("phone-log-in");
        assertFalse(phone.scrollsSideways(), "the log-in view scrolls sideways");
        phone.logIn("pat");
        phone.await("the room open", page -> page.find("room").isDisplayed());
        phone.shot("phone-room");
        assertFits(phone, "room", "the room");
        assertFalse(phone.find("room-list").isDisplayed(), "the room list waits behind the menu");

        phone.find("menu-toggle").click();
        phone.await("the room list shown", page -> page.find("room-list").isDisplayed()
                && edges(page, "sidebar").get(0).doubleValue() >= 0);
        phone.shot("phone-menu-open");
        assertFits(phone, "sidebar", "the menu");
        phone.roomButton(room).click();
        phone.await("the menu closed on the room", page -> !page.find("new-room-button").isDisplayed()
                && page.find("room").isDisplayed());

        try (WsClient ws = WsClient.connect(site.server().ws(quinn.token()))) {
            ws.join(room);
            phone.send("Hello from a phone");
            ws.awaitFrame("pat's message", frame -> frame.path("content").asText().equals("Hello from a phone"));
            ws.send(Map.of("action", "send_message", "room_id", room, "content",
                    "An answer long enough to wrap over several lines on a narrow screen, with a longwordthatdoesnotbreakanywhereatallwhatsoever"));
            phone.await("quinn's answer", page -> page.messages().size() == 2);
            phone.await("quinn online", page -> page.text("online-users").equals("Online: pat (you), quinn"));
            phone.shot("phone-conversation");
            assertFits(phone, "messages", "the conversation");
        }

        phone.showRooms();
        phone.find("new-room-button").click();
        phone.await("the dialog open", page -> page.find("room-name-input").isDisplayed());
        phone.shot("phone-dialog");
        assertFits(phone, "dialog", "the New room dialog");
        phone.press(Keys.ESCAPE);
        phone.await("the dialog closed", page -> !page.find("dialog").isDisplayed());
        assertFalse(phone.scrollsSideways(), "after the dialog");
        phone.assertCleanConsole();
    }
}
