package io.relaychat.adapter.netty;

import io.relaychat.ports.in.ClientAddress;
import io.relaychat.ports.in.PublishCommand;
import io.relaychat.ports.in.ServerApiUseCase;
import io.relaychat.ports.in.ServerRoomCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.relaychat.adapter.netty.HttpHarness.get;
import static io.relaychat.adapter.netty.HttpHarness.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routes under /api/server/ as a backend reaches them: the key first, then what the use case is handed. */
class ServerApiRoutesTest {
    private static final String KEY = "the-key";
    private final FakeCore core = new FakeCore();
    private final RecordingServerApi api = new RecordingServerApi();
    private HttpHarness http;

    @AfterEach
    void nothingLeaked() {
        http.finish();
    }

    private HttpHarness withServerApi() {
        core.serverApi = api;
        http = new HttpHarness(core, HttpHarness.settings());
        return http;
    }

    @Test
    void givenNoServerApi_thenEveryPathUnderItIs404LikeAnyUnknownPath() {
        http = new HttpHarness(core, HttpHarness.settings());

        HttpHarness.Answer publish = http.exchange(post("/api/server/publish", "Authorization: Bearer " + KEY + "\r\n", "{}"));

        assertEquals(404, publish.status());
        assertEquals("{\"detail\":\"Not Found\",\"code\":\"not_found\"}", publish.body());
    }

    @Test
    void givenAWrongKey_thenItIs401BeforeTheBodyIsReadAndTheUseCaseIsNotAsked() {
        withServerApi();

        HttpHarness.Answer refused = http.exchange(post("/api/server/publish", "X-Relay-Api-Key: wrong\r\n", "{not json"));

        assertEquals(401, refused.status());
        assertTrue(refused.body().startsWith("{\"detail\":\"Invalid or missing API key"), refused.body());
        assertEquals("Bearer", refused.header("WWW-Authenticate"));
        assertEquals(List.of("wrong"), api.keys);
        assertTrue(api.published.isEmpty());
    }

    @Test
    void givenTheKeyInEitherHeader_thenPublishIsHandedItsSenderAndMessageAndAnswersTheStoredOne() {
        withServerApi();
        String body = "{\"room_id\": \"r1\", \"content\": \"shipped\", \"sender\": {\"id\": \"orders\", \"username\": \"Order bot\"},"
                + " \"client_id\": \"c-1\"}";

        HttpHarness.Answer byHeader = http.exchange(post("/api/server/publish", "X-Relay-Api-Key: " + KEY + "\r\n", body));
        HttpHarness.Answer byBearer = http.exchange(post("/api/server/publish", "Authorization: Bearer " + KEY + "\r\n", body));

        assertEquals(200, byHeader.status(), byHeader.body());
        assertEquals(200, byBearer.status(), byBearer.body());
        PublishCommand handed = api.published.get(0);
        assertEquals(new UserId("system:orders"), handed.sender().userId());
        assertEquals("Order bot", handed.sender().username());
        assertEquals(new RoomId("r1"), handed.message().roomId());
        assertEquals("c-1", handed.message().clientId());
        assertTrue(byHeader.body().contains("\"user_id\":\"system:orders\"") && byHeader.body().contains("\"seq\":1"),
                byHeader.body());
    }

    @Test
    void givenABatchWithAMalformedMessage_thenItAloneIsRefusedAndTheOthersAreAnsweredInOrder() {
        withServerApi();
        String good = "{\"room_id\": \"r1\", \"content\": \"%s\", \"sender\": {\"username\": \"Order bot\"}}";
        String body = "{\"messages\": [" + good.formatted("one") + ", {\"room_id\": \"r1\"}, " + good.formatted("two") + "]}";

        HttpHarness.Answer answer = http.exchange(post("/api/server/publish/batch", "X-Relay-Api-Key: " + KEY + "\r\n", body));

        assertEquals(200, answer.status(), answer.body());
        assertEquals(List.of("one", "two"), api.published.stream().map(command -> command.message().content()).toList());
        int one = answer.body().indexOf("\"content\":\"one\"");
        int refused = answer.body().indexOf("\"status\":\"refused\"");
        int two = answer.body().indexOf("\"content\":\"two\"");
        assertTrue(one > 0 && refused > one && two > refused, answer.body());
        assertTrue(answer.body().contains("\"code\":\"invalid_field\""), answer.body());
    }

    @Test
    void givenAUnknownRoute_thenAGoodKeyStillGets404AndAKnownPathWithAnotherMethod405() {
        withServerApi();

        assertEquals(404, http.exchange(get("/api/server/nothing-here", "X-Relay-Api-Key: " + KEY + "\r\n")).status());
        assertEquals(405, http.exchange(get("/api/server/publish", "X-Relay-Api-Key: " + KEY + "\r\n")).status());
    }

    /** Admits {@link #KEY} alone; stores every publish as seq 1, 2, …; records what it was handed. */
    private static final class RecordingServerApi implements ServerApiUseCase {
        final List<String> keys = new CopyOnWriteArrayList<>();
        final List<PublishCommand> published = new CopyOnWriteArrayList<>();

        @Override
        public Optional<Refusal> admit(String key, ClientAddress from) {
            keys.add(key);
            return KEY.equals(key) ? Optional.empty() : Optional.of(Refusal.apiKeyRefused());
        }

        @Override
        public CompletionStage<Outcome<ChatMessage>> publish(PublishCommand command) {
            published.add(command);
            return CompletableFuture.completedFuture(Outcome.accepted(new ChatMessage(new MessageId("m" + published.size()),
                    command.message().roomId(), command.sender().userId(), command.sender().username(),
                    command.message().content(), Instant.EPOCH, List.of(), published.size(), command.message().clientId())));
        }

        @Override
        public CompletionStage<List<Outcome<ChatMessage>>> publishAll(List<PublishCommand> commands) {
            List<Outcome<ChatMessage>> answers = new java.util.ArrayList<>();
            commands.forEach(command -> answers.add(publish(command).toCompletableFuture().join()));
            return CompletableFuture.completedFuture(answers);
        }

        @Override
        public CompletionStage<Outcome<Room>> createRoom(ServerRoomCommand command) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Outcome<Room>> addMembers(RoomId roomId, List<UserId> userIds) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Outcome<Room>> removeMembers(RoomId roomId, List<UserId> userIds) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Integer> disconnect(UserId userId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Outcome<Map<UserId, String>>> presence(RoomId roomId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Outcome<List<ChatMessage>>> history(RoomId roomId, int limit, Instant before, Long beforeSeq) {
            throw new UnsupportedOperationException();
        }
    }
}
