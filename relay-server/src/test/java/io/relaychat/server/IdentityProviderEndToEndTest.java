package io.relaychat.server;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.server.Api.Account;
import io.relaychat.server.Api.Response;
import io.relaychat.testkit.IntegrationTest;
import io.relaychat.testkit.TestIdentityProvider;
import io.relaychat.testkit.TestIdentityProvider.SigningKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real server taking tokens of the application's identity provider, which the test plays: its keys, its tokens,
 * its JWKS served over HTTP on loopback. A user it vouches for is created on first sight and chats like anyone;
 * with local accounts off, register and login are refused.
 */
@IntegrationTest
class IdentityProviderEndToEndTest {
    private static final SigningKey KEY = TestIdentityProvider.rsaKey("rsa-1");
    private static TestIdentityProvider provider;
    private static RunningServer server;
    private static Api api;

    @BeforeAll
    static void start() {
        provider = TestIdentityProvider.serving(KEY);
        server = RunningServer.start(Map.of("RELAY_OIDC_ISSUER", TestIdentityProvider.ISSUER,
                "RELAY_OIDC_AUDIENCE", TestIdentityProvider.AUDIENCE,
                "RELAY_OIDC_JWKS_URL", provider.jwksUrl().toString()));
        api = new Api(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        provider.close();
    }

    private static String tokenFor(String subject, String username, String email) {
        return TestIdentityProvider.sign(TestIdentityProvider.claims(subject, Instant.now())
                .withClaim("preferred_username", username).withClaim("email", email), KEY);
    }

    private static String unique(String name) {
        return name + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aTokenOfTheProviderCreatesItsUserOnFirstSightWhoThenChatsWithALocalUser() {
        String name = unique("kim");
        String token = tokenFor("sub-" + name, name, name + "@example.com");

        Response me = api.get("/api/auth/me", token);

        assertEquals(200, me.status(), me.body().toString());
        assertEquals("idp:sub-" + name, me.body().path("id").asText());
        assertEquals(name, me.body().path("username").asText());
        assertEquals(name + "@example.com", me.body().path("email").asText());
        assertEquals(me.body(), api.get("/api/auth/me", token).body(), "the same user the second time");

        Account kim = new Account(me.body().path("id").asText(), name + "@example.com", name, token);
        Account ann = api.register(unique("ann"));
        String room = api.createRoom(ann, "with the provider's user", kim);
        try (WsClient kimOnline = WsClient.connect(server.ws(kim.token()));
             WsClient annOnline = WsClient.connect(server.ws(ann.token()))) {
            kimOnline.join(room);
            annOnline.join(room);

            kimOnline.say(room, "signed in elsewhere");

            annOnline.awaitMessages(1);
            JsonNode message = annOnline.chatMessages().get(0);
            assertEquals("signed in elsewhere", message.path("content").asText());
            assertEquals(kim.id(), message.path("user_id").asText());
            assertEquals(name, message.path("username").asText());
        }
        Response history = api.get("/api/rooms/" + room + "/messages", kim.token());
        assertEquals(1, history.body().size(), history.body().toString());
    }

    @Test
    void aUsernameALocalUserHasIsSuffixedAndTheLocalUserKeepsTheirs() {
        Account ann = api.register(unique("ann"));

        Response other = api.get("/api/auth/me", tokenFor(unique("sub-"), ann.username(), unique("x") + "@example.com"));

        assertEquals(200, other.status());
        assertTrue(other.body().path("username").asText().matches(ann.username() + "-[0-9a-f]{6}"), other.body().toString());
        Response direct = api.post("/api/rooms/direct?identifier=" + ann.username(), null, ann.token());
        assertEquals(400, direct.status(), "the name still leads to its owner: a DM with oneself");
    }

    @Test
    void tokensTheProviderDidNotIssueForThisApplicationAreRefused() {
        Instant now = Instant.now();
        String otherAudience = TestIdentityProvider.sign(TestIdentityProvider.claims("sub-x", now).withAudience("another"), KEY);
        String expired = TestIdentityProvider.sign(TestIdentityProvider.claims("sub-x", now.minus(Duration.ofHours(3))), KEY);
        String hmacWithPublicKey = TestIdentityProvider.claims("sub-x", now).withKeyId(KEY.kid())
                .sign(Algorithm.HMAC256(KEY.publicKey().getEncoded()));

        for (String token : new String[] {otherAudience, expired, hmacWithPublicKey}) {
            Response refused = api.get("/api/auth/me", token);
            assertEquals(401, refused.status());
            assertEquals("unauthenticated", refused.code());
        }
    }

    /** On the SQLite store, whose writes race for real: a user's first requests at once make one user. */
    @Test
    void withLocalAccountsOffRegisterAndLoginAreRefusedAndTheServersOwnTokensWithThem(@TempDir Path folder)
            throws IOException {
        Path pem = Files.writeString(folder.resolve("idp.pem"), TestIdentityProvider.pem(KEY.publicKey()));
        try (RunningServer remote = RunningServer.start(Map.of("RELAY_LOCAL_ACCOUNTS", "false",
                "RELAY_OIDC_ISSUER", TestIdentityProvider.ISSUER, "RELAY_OIDC_AUDIENCE", TestIdentityProvider.AUDIENCE,
                "RELAY_OIDC_PUBLIC_KEY", pem.toString(), "RELAY_STORAGE", "sqlite",
                "RELAY_DATA_DIR", folder.resolve("data").toString()))) {
            Api remoteApi = new Api(remote);

            Response register = remoteApi.post("/api/auth/register",
                    Map.of("email", "ann@example.com", "username", "ann", "password", "password1"), null);
            Response login = remoteApi.post("/api/auth/login", Map.of("email", "ann@example.com", "password", "password1"), null);

            for (Response refused : new Response[] {register, login}) {
                assertEquals(403, refused.status());
                assertEquals("local_accounts_off", refused.code());
                assertTrue(refused.detail().contains("identity provider"), refused.detail());
            }
            String ownToken = JWT.create().withSubject("anyone").withExpiresAt(Instant.now().plus(Duration.ofHours(1)))
                    .sign(Algorithm.HMAC256(RunningServer.SECRET));
            assertEquals(401, remoteApi.get("/api/auth/me", ownToken).status(), "HS256 goes with local accounts");
            String kim = tokenFor("sub-kim", "kim", "kim@example.com");
            List<CompletableFuture<Response>> atOnce = IntStream.range(0, 8)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> remoteApi.get("/api/auth/me", kim))).toList();
            for (CompletableFuture<Response> answer : atOnce) {
                Response me = answer.join();
                assertEquals(200, me.status(), me.body().toString());
                assertEquals("idp:sub-kim", me.body().path("id").asText());
                assertEquals("kim", me.body().path("username").asText());
            }
            assertEquals(1, remoteApi.get("/api/users/search?q=kim", kim).body().size(), "one user, not eight");
        }
    }

    @Test
    void aProviderThatCannotBeReachedIsAnsweredTryAgainLaterWithinSeconds() {
        try (TestIdentityProvider stalled = TestIdentityProvider.serving(KEY);
             RunningServer waiting = RunningServer.start(Map.of("RELAY_OIDC_ISSUER", TestIdentityProvider.ISSUER,
                     "RELAY_OIDC_AUDIENCE", TestIdentityProvider.AUDIENCE,
                     "RELAY_OIDC_JWKS_URL", stalled.jwksUrl().toString(), "RELAY_OIDC_JWKS_TIMEOUT_MS", "300"))) {
            stalled.hang();
            long started = System.nanoTime();

            Response me = new Api(waiting).get("/api/auth/me", tokenFor("sub-kim", "kim", "kim@example.com"));

            assertEquals(503, me.status(), me.body().toString());
            assertEquals("storage_unavailable", me.code());
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0);
            try (WsClient socket = WsClient.connect(waiting.ws(tokenFor("sub-kim", "kim", "kim@example.com")))) {
                assertEquals(1013, socket.awaitCloseCode(), "come back later, rather than log in again");
            }
            assertEquals(200, api.get("/api/auth/me", tokenFor(unique("sub-"), "lee", "lee@example.com")).status(),
                    "another server's provider is not affected");
        }
    }
}
