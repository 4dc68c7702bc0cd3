package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A room's history in the web client: the newest page is shown first, and scrolling the log to its top (the Home key,
 * as a person at the keyboard does) loads older pages until the room's start, each message once, in order.
 */
@IntegrationTest
class HistoryScrollBrowserTest {
    private static final int MESSAGES = 130;
    private static final int PAGE = 50;
    /** The send rate limit off: the test sends its 130 messages at once. */
    @RegisterExtension
    static final ServedPage site = new ServedPage(Browser.DESKTOP, Map.of("RELAY_SEND_RATE_PER_SECOND", "0"));

    private static List<Long> seqs(ChatPage page) {
        return page.messages().stream().map(ChatPage.Shown::seq).toList();
    }

    @Test
    void scrollingToTheTopLoadsOlderPagesUntilTheStartOfTheRoom() {
        Api api = new Api(site.server());
        Account writer = api.register("writer");
        Account reader = api.register("reader");
        String room = api.createRoom(writer, "Long history", reader);
        try (WsClient ws = WsClient.connect(site.server().ws(writer.token()))) {
            ws.join(room);
            for (int i = 1; i <= MESSAGES; i++) {
                ws.say(room, "message " + i);
            }
            ws.awaitMessages(MESSAGES);
        }

        ChatPage page = new ChatPage(site.browser(), site.server().http()).open().logIn("reader");
        page.await("the newest page", screen -> screen.messages().size() == PAGE);
        page.shot("reader-newest-page");
        assertEquals(LongStream.rangeClosed(MESSAGES - PAGE + 1, MESSAGES).boxed().toList(), seqs(page));
        assertEquals("", page.text("history-status"));

        for (int scrolls = 0; scrolls < 5 && !page.text("history-status").equals("This is the start of the room."); scrolls++) {
            int before = page.messages().size();
            page.find("message-log").sendKeys(Keys.HOME);
            page.await("an older page after scrolling to the top", screen -> screen.messages().size() > before
                    && !screen.text("history-status").equals("Loading older messages…"));
            page.shot("reader-scrolled-up-" + page.messages().size());
        }

        assertEquals("This is the start of the room.", page.text("history-status"));
        assertEquals(LongStream.rangeClosed(1, MESSAGES).boxed().toList(), seqs(page), "every message once, in order");
        assertEquals("message 1", page.contents().get(0));
        assertTrue((Boolean) site.browser().run("return document.getElementById('message-log').scrollTop > 0"),
                "the log kept the reader's place instead of jumping to the top");
        page.assertCleanConsole();
    }
}
