package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the web client is for: a person keeps every message through trouble. bob's browser reaches the server (on the
 * MongoDB stand-in, so a restarted server has the same data) through a proxy, so the page's origin stays while what is
 * behind it goes and comes back; ann writes from the test, straight to the server. While bob's connection is away his
 * page says so and keeps his own message as sending; once it is back his screen has every message once, in seq order,
 * as the server's history has them, and his own message is stored once.
 */
@IntegrationTest
class DeliveryAcrossOutagesBrowserTest {
    /** A reconnect waits out a backoff that grows while the server is away (to 15 s at most, jittered). */
    private static final Duration RECONNECT = Duration.ofSeconds(45);
    /** What Chromium writes while the proxy refuses connections: the socket's and the room list's failed attempts. */
    private static final Pattern[] OUTAGE_ERRORS = {
            Pattern.compile("WebSocket connection to '.*' failed"),
            Pattern.compile("net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE)")};

    private MongoServer mongo;
    private Map<String, String> env;
    private RunningServer server;
    private TcpProxy proxy;
    private Browser browser;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() {
        Browser.assumeInstalled();
        mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        env = Map.of("MONGO_URL", "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort(),
                "DB_NAME", "relay_" + UUID.randomUUID().toString().replace("-", ""));
        server = RunningServer.start(env);
        proxy = new TcpProxy("127.0.0.1", server.port).start();
        browser = Browser.start(DeliveryAcrossOutagesBrowserTest.class, Browser.DESKTOP);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        if (browser != null) {
            browser.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
        if (mongo != null) {
            mongo.shutdownNow();
        }
    }

    private WsClient annOnline(Account ann, String room) {
        WsClient ws = WsClient.connect(server.ws(ann.token()));
        toClose.add(ws);
        ws.join(room);
        return ws;
    }

    @Test
    void givenBobsConnectionDrops_whenItComesBack_thenHeHasEveryMessageOnceAndHisOwnIsStoredOnce() {
        Api api = new Api(server);
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        String room = api.createRoom(ann, "Ops", bob);
        WsClient annSocket = annOnline(ann, room);
        annSocket.say(room, "before the drop");
        ChatPage page = new ChatPage(browser, "http://127.0.0.1:" + proxy.port()).open().logIn("bob");
        page.awaitMessage("before the drop");
        page.await("Connected", screen -> screen.text("connection-status").equals("Connected"));
        page.shot("bob-connected");

        proxy.stop();
        page.await("Reconnecting…", screen -> screen.connection().equals("reconnecting")
                && screen.text("connection-status").equals("Reconnecting…"));
        page.shot("bob-reconnecting");
        assertEquals("", page.text("online-users"), "who is online is not known while the socket is away");
        for (int i = 1; i <= 3; i++) {
            annSocket.say(room, "while bob is away " + i);
        }
        annSocket.awaitMessages(4);
        page.send("bob writes while away");
        page.await("bob's message shown as sending", screen -> screen.pending().equals(List.of("bob writes while away")));
        page.shot("bob-sending-while-away");

        proxy.start();
        assertEverythingOnceInOrder(page, api, ann, room, List.of("before the drop", "while bob is away 1",
                "while bob is away 2", "while bob is away 3", "bob writes while away"));
        page.shot("bob-back-with-everything");
        page.assertCleanConsole(OUTAGE_ERRORS);
    }

    @Test
    void givenTheServerRestartsOnItsStore_whenBobsPageReconnects_thenHeHasWhatWasSentAfterTheRestart() {
        Api api = new Api(server);
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        String room = api.createRoom(ann, "Ops", bob);
        annOnline(ann, room).say(room, "before the restart");
        ChatPage page = new ChatPage(browser, "http://127.0.0.1:" + proxy.port()).open().logIn("bob");
        page.awaitMessage("before the restart");
        page.shot("bob-before-restart");

        // the server goes, and bob's page cannot reach anything until the proxy lets it through again
        proxy.stop();
        int port = server.port;
        server.close();
        page.await("Reconnecting…", screen -> screen.connection().equals("reconnecting"));
        page.send("bob writes while the server is down");
        page.await("bob's message shown as sending",
                screen -> screen.pending().equals(List.of("bob writes while the server is down")));
        page.shot("bob-server-down");
        Map<String, String> samePort = new HashMap<>(env);
        samePort.put("PORT", String.valueOf(port));
        server = RunningServer.start(samePort);
        api = new Api(server);
        WsClient annAgain = annOnline(ann, room);
        annAgain.say(room, "after the restart 1");
        annAgain.say(room, "after the restart 2");
        annAgain.awaitMessages(2);
        assertEquals("reconnecting", page.connection(), "bob's page was not to reach the server before the proxy did");

        proxy.start();
        assertEverythingOnceInOrder(page, api, ann, room, List.of("before the restart",
                "bob writes while the server is down", "after the restart 1", "after the restart 2"));
        page.shot("bob-back-after-restart");
        page.assertCleanConsole(OUTAGE_ERRORS);
    }

    /**
     * Waits until bob's page is connected with nothing left to send, then says that it shows exactly the room's history
     * as the server has it (every message once, in seq order), that history holds {@code contents} (in any order: bob's
     * send and ann's race once the page is back), and bob's own message is in the store once.
     */
    private static void assertEverythingOnceInOrder(ChatPage page, Api api, Account ann, String room,
                                                    List<String> contents) {
        page.await(RECONNECT, "Connected again with nothing left to send", screen ->
                screen.connection().equals("online") && screen.pending().isEmpty()
                        && screen.messages().size() >= contents.size());
        page.await("Connected", screen -> screen.text("connection-status").equals("Connected"));
        JsonNode history = api.get("/api/rooms/" + room + "/messages?limit=100", ann.token()).body();
        List<Long> storedSeqs = StreamSupport.stream(history.spliterator(), false)
                .map(message -> message.path("seq").asLong()).toList();
        List<String> stored = StreamSupport.stream(history.spliterator(), false)
                .map(message -> message.path("content").asText()).toList();
        assertEquals(contents.stream().sorted().toList(), stored.stream().sorted().toList(),
                "the store has every message once");
        page.await("the screen shows the store's history", screen ->
                screen.messages().stream().map(ChatPage.Shown::seq).toList().equals(storedSeqs));
        assertEquals(stored, page.contents(), "bob's screen: every message once, in seq order");
        List<Boolean> own = page.messages().stream().map(ChatPage.Shown::own).toList();
        List<Boolean> bobs = StreamSupport.stream(history.spliterator(), false)
                .map(message -> message.path("username").asText().equals("bob")).toList();
        assertEquals(bobs, own, "bob's own message marked as his");
    }
}
