package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.server.Api.Response;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every REST route of the protocol against the real server, over real HTTP. */
@IntegrationTest
class RestApiTest {
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    private static RunningServer server;
    private static Api api;

    @BeforeAll
    static void start() {
        server = RunningServer.start(Map.of("RELAY_MAX_UPLOAD_BYTES", String.valueOf(256 * 1024)));
        api = new Api(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String unique(String name) {
        return name + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Account someone() {
        return api.register(unique("user"));
    }

    @Test
    void rootAndHealthAnswer() {
        assertEquals("RelayChat API", api.get("/api/", null).body().path("message").asText());
        assertEquals("healthy", api.get("/api/health", null).body().path("status").asText());
    }

    @Test
    void registerReturnsABearerTokenAndTheUser() {
        String name = unique("ann");
        Response response = api.post("/api/auth/register",
                Map.of("email", name + "@Example.com", "username", name, "password", "password1"), null);

        assertEquals(200, response.status());
        assertEquals("bearer", response.body().path("token_type").asText());
        assertFalse(response.body().path("access_token").asText().isEmpty());
        JsonNode user = response.body().path("user");
        assertEquals(name + "@Example.com", user.path("email").asText());
        assertEquals(name, user.path("username").asText());
        assertFalse(user.path("id").asText().isEmpty());
    }

    @Test
    void anEmailCanRegisterOnceInAnyCase() {
        Account ann = someone();

        Response again = api.post("/api/auth/register",
                Map.of("email", ann.email().toUpperCase(), "username", "x", "password", "password1"), null);

        assertEquals(400, again.status());
        assertEquals("Email already registered", again.detail());
        assertEquals(error("Email already registered", "email_taken"), again.body());
    }

    @Test
    void invalidRegistrationsAre422WithADetail() {
        List<Map<String, String>> bad = List.of(
                Map.of("email", "not-an-email", "username", "a", "password", "password1"),
                Map.of("email", unique("a") + "@x.io", "username", "", "password", "password1"),
                Map.of("email", unique("a") + "@x.io", "username", "a", "password", "short"),
                Map.of("email", unique("a") + "@x.io", "username", "a", "password", "ü".repeat(37)),
                Map.of("email", unique("a") + "@x.io", "username", "a"));
        for (Map<String, String> body : bad) {
            Response response = api.post("/api/auth/register", body, null);
            assertEquals(422, response.status(), body.toString());
            assertNotNull(response.detail(), body.toString());
            assertEquals("invalid_field", response.code(), body.toString());
        }
        Response malformed = api.postRaw("/api/auth/register", "{\"email\": ", null);
        assertEquals(422, malformed.status());
        assertEquals("request body is not valid JSON", malformed.detail());
        assertEquals(error("request body is not valid JSON", "invalid_json"), malformed.body());
    }

    @Test
    void loginWithTheRightPasswordOnlyAndTheSameAnswerForUnknownEmails() {
        Account ann = someone();

        Response ok = api.post("/api/auth/login", Map.of("email", ann.email(), "password", "password-of-" + ann.username()), null);
        Response wrong = api.post("/api/auth/login", Map.of("email", ann.email(), "password", "wrong-password"), null);
        Response unknown = api.post("/api/auth/login", Map.of("email", "ghost@example.com", "password", "wrong-password"), null);

        assertEquals(200, ok.status());
        assertEquals(ann.id(), ok.body().path("user").path("id").asText());
        assertEquals(401, wrong.status());
        assertEquals("Incorrect email or password", wrong.detail());
        assertEquals(401, unknown.status());
        assertEquals(wrong.detail(), unknown.detail());
        assertEquals(error("Incorrect email or password", "invalid_credentials"), wrong.body());
        assertEquals(wrong.body(), unknown.body(), "an unknown email is answered as a wrong password is");
    }

    @Test
    void meNeedsAValidTokenAndNeverShowsAPasswordHash() {
        Account ann = someone();

        Response me = api.get("/api/auth/me", ann.token());
        Response missing = api.get("/api/auth/me", null);
        Response forged = api.get("/api/auth/me", ann.token() + "x");

        assertEquals(200, me.status());
        assertEquals(List.of("id", "email", "username", "created_at"), fieldNames(me.body()));
        assertTrue(TIMESTAMP.matcher(me.body().path("created_at").asText()).matches());
        for (Response refused : List.of(missing, forged)) {
            assertEquals(401, refused.status());
            assertEquals("Could not validate credentials", refused.detail());
            assertEquals("Bearer", refused.header("www-authenticate"));
            assertEquals(error("Could not validate credentials", "unauthenticated"), refused.body());
        }
    }

    @Test
    void roomsAreCreatedWithTheCreatorAsMemberAndListedForMembers() {
        Account ann = someone();
        Account bob = someone();

        Response created = api.post("/api/rooms", Map.of("name", "general", "members", List.of(bob.id())), ann.token());

        assertEquals(200, created.status());
        JsonNode room = created.body();
        assertEquals(List.of("id", "name", "type", "members", "created_at"), fieldNames(room));
        assertEquals("group", room.path("type").asText());
        assertEquals(List.of(ann.id(), bob.id()), texts(room.path("members")));
        assertEquals(room.path("id").asText(), api.get("/api/rooms", bob.token()).body().path(0).path("id").asText());
    }

    @Test
    void aRoomNeedsANameAndAKnownType() {
        Account ann = someone();

        assertEquals(422, api.post("/api/rooms", Map.of("name", ""), ann.token()).status());
        assertEquals(422, api.post("/api/rooms", Map.of("name", "x", "type", "secret"), ann.token()).status());
        assertEquals(422, api.post("/api/rooms", Map.of("type", "group"), ann.token()).status());
        assertEquals("private", api.post("/api/rooms", Map.of("name", "x", "type", "private"), ann.token())
                .body().path("type").asText());
    }

    @Test
    void discoverListsGroupRoomsICouldJoin() {
        Account ann = someone();
        Account bob = someone();
        String open = api.createRoom(ann, "open");
        api.createRoom(ann, "secret", "private");

        List<String> discovered = texts(api.get("/api/rooms/discover/all", bob.token()).body(), "id");

        assertTrue(discovered.contains(open));
        assertFalse(texts(api.get("/api/rooms/discover/all", ann.token()).body(), "id").contains(open));
    }

    @Test
    void joiningAGroupRoomButNotAPrivateOneAndNotAMissingOne() {
        Account ann = someone();
        Account bob = someone();
        String open = api.createRoom(ann, "open");
        String secret = api.createRoom(ann, "secret", "private");

        Response joined = api.post("/api/rooms/" + open + "/join", null, bob.token());
        Response again = api.post("/api/rooms/" + open + "/join", null, bob.token());
        Response privateRoom = api.post("/api/rooms/" + secret + "/join", null, bob.token());
        Response missing = api.post("/api/rooms/nope/join", null, bob.token());

        assertEquals(Map.of("message", "Joined successfully", "room_id", open), Api.JSON.convertValue(joined.body(), Map.class));
        assertEquals("Already a member", again.body().path("message").asText());
        assertEquals(403, privateRoom.status());
        assertEquals(404, missing.status());
        assertEquals("Room not found", missing.detail());
        assertEquals("access_denied", privateRoom.code());
        assertEquals(error("Room not found", "not_found"), missing.body());
    }

    @Test
    void membersAddOthersByEmail() {
        Account ann = someone();
        Account bob = someone();
        Account cat = someone();
        String room = api.createRoom(ann, "team", "private");

        Response added = api.post("/api/rooms/" + room + "/members/add?user_email=" + bob.email(), null, ann.token());
        Response byOutsider = api.post("/api/rooms/" + room + "/members/add?user_email=" + bob.email(), null, cat.token());
        Response unknown = api.post("/api/rooms/" + room + "/members/add?user_email=ghost@example.com", null, ann.token());

        assertEquals(bob.username() + " added to room", added.body().path("message").asText());
        assertEquals(bob.id(), added.body().path("user_id").asText());
        assertEquals(bob.username(), added.body().path("username").asText());
        assertEquals(403, byOutsider.status());
        assertEquals("Access denied", byOutsider.detail());
        assertEquals(404, unknown.status());
        assertEquals("User not found", unknown.detail());
        assertEquals(error("Access denied", "not_member"), byOutsider.body());
        assertEquals(error("User not found", "not_found"), unknown.body());
    }

    @Test
    void aDirectRoomIsOnePerPairFromEitherSide() {
        Account ann = someone();
        Account bob = someone();

        Response fromAnn = api.post("/api/rooms/direct?identifier=" + bob.email(), null, ann.token());
        Response fromBob = api.post("/api/rooms/direct?identifier=" + ann.username(), null, bob.token());
        Response self = api.post("/api/rooms/direct?identifier=" + ann.username(), null, ann.token());
        Response nobody = api.post("/api/rooms/direct?identifier=nobody-at-all", null, ann.token());

        assertEquals(200, fromAnn.status());
        assertEquals("private", fromAnn.body().path("type").asText());
        assertEquals(fromAnn.body().path("id"), fromBob.body().path("id"));
        assertEquals(400, self.status());
        assertEquals("Cannot DM yourself", self.detail());
        assertEquals(404, nobody.status());
        assertEquals(error("Cannot DM yourself", "self_direct_message"), self.body());
        assertEquals("not_found", nobody.code());
    }

    @Test
    void historyIsForMembersPagesOldestFirstAndCarriesSeq() throws Exception {
        Account ann = someone();
        Account bob = someone();
        String room = api.createRoom(ann, "history");
        try (WsClient ws = WsClient.connect(server.ws(ann.token()))) {
            ws.join(room);
            for (int i = 1; i <= 5; i++) {
                ws.say(room, "m" + i);
            }
            ws.awaitMessages(5);
        }

        JsonNode all = api.get("/api/rooms/" + room + "/messages", ann.token()).body();
        JsonNode page = api.get("/api/rooms/" + room + "/messages?limit=2&before_seq=4", ann.token()).body();
        String thirdTimestamp = all.path(2).path("timestamp").asText();
        JsonNode beforeTime = api.get("/api/rooms/" + room + "/messages?before=" + thirdTimestamp, ann.token()).body();

        assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), texts(all, "content"));
        assertEquals(List.of("id", "room_id", "user_id", "username", "content", "timestamp", "attachments", "seq"),
                fieldNames(all.path(0)));
        assertEquals(List.of("m2", "m3"), texts(page, "content"));
        assertTrue(texts(beforeTime, "content").size() <= 2, "only messages older than m3's timestamp");
        assertEquals(403, api.get("/api/rooms/" + room + "/messages", bob.token()).status());
        assertEquals(403, api.get("/api/rooms/unknown/messages", bob.token()).status());
        assertEquals(422, api.get("/api/rooms/" + room + "/messages?limit=0", ann.token()).status());
        assertEquals(422, api.get("/api/rooms/" + room + "/messages?limit=101", ann.token()).status());
        assertEquals(422, api.get("/api/rooms/" + room + "/messages?before=yesterday", ann.token()).status());
        JsonNode notMember = error("Access denied", "not_member");
        assertEquals(notMember, api.get("/api/rooms/" + room + "/messages", bob.token()).body());
        assertEquals(notMember, api.get("/api/rooms/unknown/messages", bob.token()).body(), "an unknown room is answered alike");
        for (String query : List.of("limit=0", "limit=101", "before=yesterday")) {
            assertEquals("invalid_field", api.get("/api/rooms/" + room + "/messages?" + query, ann.token()).code(), query);
        }
    }

    @Test
    void searchFindsUsersByLiteralTextWithoutHashes() {
        String marker = unique("zq");
        Account ann = api.register(marker + "ann");
        api.register(marker + "bob");

        Response found = api.get("/api/users/search?q=" + marker.toUpperCase(), ann.token());
        Response tooShort = api.get("/api/users/search?q=z", ann.token());
        Response pattern = api.get("/api/users/search?q=.*", ann.token());

        assertEquals(2, found.body().size());
        assertEquals(List.of("id", "email", "username", "created_at"), fieldNames(found.body().path(0)));
        assertFalse(new String(found.raw().body(), StandardCharsets.UTF_8).contains("$2a$"));
        assertEquals(0, tooShort.body().size());
        assertEquals(0, pattern.body().size());
    }

    @Test
    void uploadsAreStoredUnderAGeneratedNameAndServedSafely() {
        Account ann = someone();
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

        Response uploaded = api.upload("cat picture.png", png, ann.token());
        String url = uploaded.body().path("url").asText();
        Response served = api.get(url, null);

        assertEquals(200, uploaded.status());
        assertEquals("cat picture.png", uploaded.body().path("filename").asText());
        assertTrue(url.matches("/static/uploads/[0-9a-f-]{36}\\.png"), url);
        assertEquals(200, served.status());
        assertArrayEquals(png, served.raw().body());
        assertEquals("image/png", served.header("content-type"));
        assertEquals("nosniff", served.header("x-content-type-options"));
    }

    @Test
    void uploadsAreLimitedAuthenticatedAndConfined() {
        Account ann = someone();

        Response tooBig = api.upload("big.bin", new byte[256 * 1024 + 1], ann.token());
        Response anonymous = api.upload("a.txt", new byte[1], null);
        Response notMultipart = api.post("/api/upload", Map.of("file", "x"), ann.token());

        assertEquals(413, tooBig.status());
        assertNotNull(tooBig.detail());
        assertEquals(401, anonymous.status());
        assertEquals(422, notMultipart.status());
        assertEquals(error("File too large: the limit is " + 256 * 1024 + " bytes", "payload_too_large"), tooBig.body());
        assertEquals("unauthenticated", anonymous.code());
        assertEquals("invalid_field", notMultipart.code());
        for (String path : List.of("/static/uploads/..%2F..%2Fetc%2Fpasswd", "/static/uploads/../../pom.xml",
                "/static/uploads/nothing-here.png")) {
            assertEquals(404, api.get(path, null).status(), path);
        }
    }

    @Test
    void unknownPathsWrongMethodsAndHugeBodiesAnswerWithADetail() {
        Response unknown = api.get("/api/nothing", null);
        Response wrongMethod = api.send(api.request("/api/health", null).DELETE());
        Response huge = api.postRaw("/api/auth/login", "{\"email\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}", null);

        assertEquals(404, unknown.status());
        assertEquals("Not Found", unknown.detail());
        assertEquals(405, wrongMethod.status());
        assertEquals("Method Not Allowed", wrongMethod.detail());
        assertEquals(413, huge.status());
        assertNotNull(huge.detail());
        assertEquals(error("Not Found", "not_found"), unknown.body());
        assertEquals(error("Method Not Allowed", "method_not_allowed"), wrongMethod.body());
        assertEquals("payload_too_large", huge.code());
    }

    @Test
    void corsPreflightIsAnswered() {
        Response preflight = api.send(api.request("/api/rooms", null)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:3000")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type"));
        Response simple = api.send(api.request("/api/health", null).header("Origin", "http://localhost:3000").GET());

        assertEquals(200, preflight.status());
        // CORS_ORIGINS=* (the default) allows any origin, but never together with credentials: the web UI sends
        // its token in a header, and an origin listed in CORS_ORIGINS is echoed with credentials allowed.
        assertEquals("*", preflight.header("access-control-allow-origin"));
        assertEquals(null, preflight.header("access-control-allow-credentials"));
        assertTrue(preflight.header("access-control-allow-methods").contains("POST"));
        assertTrue(preflight.header("access-control-allow-headers").toLowerCase().contains("authorization"));
        assertEquals("*", simple.header("access-control-allow-origin"));
    }

    /** An error body as the REST API answers every refusal: the text shown to users, then the stable code. */
    private static JsonNode error(String detail, String code) {
        return Api.JSON.createObjectNode().put("detail", detail).put("code", code);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.path(field).asText()));
        return values;
    }
}
