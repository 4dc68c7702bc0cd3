package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import java.util.List;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two people chatting in two real browsers against the real server, ann on a desktop and bob on a phone: everything
 * one writes the other sees once, in order, with their own marked; presence, typing, unread counts and the tab title;
 * one direct room whichever side opens it; leaving a room; and logging out and in again.
 */
@IntegrationTest
class TwoUsersChatBrowserTest {
    private static RunningServer server;
    private static Browser desktop;
    private static Browser phone;

    @BeforeAll
    static void start() {
        Browser.assumeInstalled();
        server = RunningServer.start();
        desktop = Browser.start(TwoUsersChatBrowserTest.class, Browser.DESKTOP);
        phone = desktop.another(Browser.PHONE);
    }

    @AfterAll
    static void stop() {
        if (phone != null) {
            phone.close();
        }
        if (desktop != null) {
            desktop.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoPeopleChatSeeEachOtherTypingLeaveAndComeBack() {
        ChatPage ann = new ChatPage(desktop, server.http()).open().register("ann");
        ChatPage bob = new ChatPage(phone, server.http()).open().register("bob");
        ann.shot("ann-registered");
        bob.shot("bob-registered");

        String lounge = ann.createRoom("Lounge", "group");
        ann.shot("ann-created-lounge");
        assertEquals(lounge, bob.joinFromDiscover("Lounge"));
        bob.shot("bob-joined-lounge");
        ann.browser().await(page -> page.findElements(By.cssSelector("#messages li.event")).stream()
                .anyMatch(event -> event.getText().equals("bob joined the room")));
        ann.browser().await(page -> ann.text("online-users").equals("Online: ann (you), bob"));
        bob.browser().await(page -> bob.text("online-users").equals("Online: ann, bob (you)"));
        ann.shot("ann-sees-bob-online");

        ann.send("Hi bob");
        bob.awaitMessage("Hi bob");
        bob.find("message-input").sendKeys("Hello");
        ann.browser().await(page -> ann.text("typing").equals("bob is typing…"));
        ann.shot("ann-sees-bob-typing");
        bob.send(" ann", Keys.chord(Keys.SHIFT, Keys.ENTER), "second line");
        ann.awaitMessage("Hello ann\nsecond line");
        ann.browser().await(page -> ann.text("typing").isEmpty());
        ann.send("Third");
        bob.awaitMessage("Third");
        ann.awaitMessage("Third");
        ann.shot("ann-conversation");
        bob.shot("bob-conversation");

        List<String> conversation = List.of("Hi bob", "Hello ann\nsecond line", "Third");
        for (ChatPage person : List.of(ann, bob)) {
            List<ChatPage.Shown> shown = person.messages();
            assertEquals(conversation, person.contents(), "every message once, in order");
            assertEquals(List.of("ann", "bob", "ann"), shown.stream().map(ChatPage.Shown::author).toList());
            assertTrue(shown.get(0).seq() < shown.get(1).seq() && shown.get(1).seq() < shown.get(2).seq());
            boolean annsScreen = person == ann;
            assertEquals(List.of(annsScreen, !annsScreen, annsScreen),
                    shown.stream().map(ChatPage.Shown::own).toList(), "own messages marked");
        }

        // bob in another room: ann's message there is unread for him, in the list and in the tab's title
        bob.createRoom("Bob's corner", "private");
        ann.send("Are you there?");
        bob.await("an unread badge on the Lounge", page -> page.unread(lounge) == 1);
        bob.await("(1) in the title", page -> page.title().equals("(1) RelayChat"));
        bob.showRooms();
        bob.shot("bob-unread-badge");
        bob.openRoom(lounge);
        bob.awaitMessage("Are you there?");
        assertEquals(0, bob.unread(lounge));
        bob.browser().await(page -> bob.title().equals("RelayChat"));
        bob.shot("bob-read-lounge");

        // a direct room: ann starts it; bob opening one with ann finds the same room, and has one, not two
        String direct = ann.messageDirectly("bob");
        ann.send("Just us");
        ann.awaitMessage("Just us");
        ann.shot("ann-direct-room");
        assertEquals(direct, bob.messageDirectly("ann"), "bob's direct room with ann is the one ann opened");
        bob.awaitMessage("Just us");
        bob.shot("bob-direct-room");
        assertEquals(1, bob.roomIds().stream().filter(direct::equals).count(), bob.roomIds().toString());
        assertEquals(3, bob.roomIds().size(), "Lounge, Bob's corner and one direct room: " + bob.roomIds());
        Api api = new Api(server);
        String bobsToken = api.post("/api/auth/login", java.util.Map.of("email", ChatPage.email("bob"),
                "password", ChatPage.password("bob")), null).body().path("access_token").asText();
        JsonNode rooms = api.get("/api/rooms", bobsToken).body();
        assertEquals(1, StreamSupport.stream(rooms.spliterator(), false)
                .filter(room -> room.path("name").asText().startsWith("DM: ")).count(), rooms.toString());

        // bob leaves the Lounge: it leaves his list, and ann no longer sees him online there
        bob.openRoom(lounge);
        ann.openRoom(lounge);
        ann.browser().await(page -> ann.text("online-users").equals("Online: ann (you), bob"));
        bob.find("leave-button").click();
        bob.browser().await(page -> page.findElement(By.cssSelector("#dialog button.danger"))).click();
        bob.browser().await(page -> !bob.roomIds().contains(lounge));
        bob.shot("bob-left-lounge");
        ann.browser().await(page -> ann.text("online-users").equals("Online: ann (you)"));
        ann.shot("ann-sees-bob-gone");

        // log out: the log-in view, in log-in mode; logging in again shows the rooms and their history
        ann.find("logout-button").click();
        ann.browser().await(page -> ann.find("auth-view").isDisplayed());
        assertFalse(ann.find("chat-view").isDisplayed());
        assertEquals("true", ann.find("tab-login").getAttribute("aria-pressed"), "the Log in switch is on");
        assertFalse(ann.find("auth-username").isDisplayed(), "log-in mode asks for no username");
        assertEquals("Log in", ann.text("auth-submit"));
        ann.shot("ann-logged-out");
        ann.logIn("ann");
        ann.browser().await(page -> ann.roomIds().containsAll(List.of(lounge, direct)));
        ann.openRoom(lounge);
        ann.browser().await(page -> ann.contents().equals(List.of("Hi bob", "Hello ann\nsecond line", "Third",
                "Are you there?")));
        ann.shot("ann-logged-in-again");

        ann.assertCleanConsole();
        bob.assertCleanConsole();
    }

    @Test
    void theRoomListMarksTheRoomThatIsOpen() {
        ChatPage carol = new ChatPage(desktop, server.http()).open().register("carol");
        String first = carol.createRoom("First", "group");
        carol.await("First marked open", page -> first.equals(page.currentRoomId()));
        String second = carol.createRoom("Second", "group");
        carol.shot("carol-created-second");
        carol.await("Second, just created and shown, marked open", page -> second.equals(page.currentRoomId()));
        carol.openRoom(first);
        carol.shot("carol-opened-first");
        carol.await("First, just clicked, marked open", page -> first.equals(page.currentRoomId()));
        carol.assertCleanConsole();
    }
}
