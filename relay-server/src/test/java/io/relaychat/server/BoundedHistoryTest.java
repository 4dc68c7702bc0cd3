package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The embedded store keeps the newest RELAY_MEMORY_HISTORY_PER_ROOM messages of each room, as a client sees it: history
 * and a resume from before the oldest kept start at the oldest kept, seqs go on, and a retry whose original is gone is
 * a new message.
 */
@IntegrationTest
class BoundedHistoryTest {
    private static RunningServer server;
    private static Api api;

    @BeforeAll
    static void start() {
        server = RunningServer.start(Map.of("RELAY_MEMORY_HISTORY_PER_ROOM", "5"));
        api = new Api(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Account someone() {
        return api.register("user" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static WsClient connect(Account account) {
        return WsClient.connect(server.ws(account.token()));
    }

    private static List<Long> historySeqs(String room, Account reader) {
        List<Long> seqs = new ArrayList<>();
        for (JsonNode message : api.get("/api/rooms/" + room + "/messages", reader.token()).body()) {
            seqs.add(message.path("seq").asLong());
        }
        return seqs;
    }

    @Test
    void aRoomKeepsItsNewestMessagesAndAResumeFromBeforeThemStartsAtTheOldestKept() {
        Account ann = someone();
        Account bob = someone();
        String room = api.createRoom(ann, "bounded", bob);
        try (WsClient annWs = connect(ann)) {
            annWs.join(room);
            for (int i = 1; i <= 8; i++) {
                annWs.say(room, "m" + i);
            }
            annWs.awaitMessages(8);

            assertEquals(List.of(4L, 5L, 6L, 7L, 8L), historySeqs(room, bob));
            try (WsClient bobWs = connect(bob)) {
                bobWs.send(Map.of("action", "join_room", "room_id", room, "since_seq", 1));
                bobWs.awaitMessages(5);
                annWs.say(room, "live");
                bobWs.awaitMessages(6);

                assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L), bobWs.seqs(), "the oldest kept onwards, then live");
            }
        }
    }

    @Test
    void aRetryWhoseOriginalIsNoLongerKeptIsStoredAgain() {
        Account ann = someone();
        String room = api.createRoom(ann, "late-retry");
        Map<String, String> first = Map.of("action", "send_message", "room_id", room, "content", "first", "client_id", "c-1");
        try (WsClient annWs = connect(ann)) {
            annWs.join(room);
            annWs.send(first);
            annWs.send(first);
            annWs.awaitMessages(2);
            assertEquals(List.of(1L, 1L), annWs.seqs(), "a retry of a kept message is answered with the original");
            for (int i = 2; i <= 6; i++) {
                annWs.say(room, "m" + i);
            }
            annWs.awaitMessages(7);

            annWs.send(first);
            annWs.awaitMessages(8);

            assertEquals(7L, annWs.seqs().get(7), "seq 1 is no longer kept, so its client id is no longer known");
            assertEquals(List.of(3L, 4L, 5L, 6L, 7L), historySeqs(room, ann));
        }
    }
}
