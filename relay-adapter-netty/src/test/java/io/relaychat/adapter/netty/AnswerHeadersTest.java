package io.relaychat.adapter.netty;

import io.relaychat.ports.in.SignedIn;
import io.relaychat.ports.in.UploadsUseCase;
import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static io.relaychat.adapter.netty.HttpHarness.get;
import static io.relaychat.adapter.netty.HttpHarness.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The headers that keep answers from being sniffed, framed, cached or read across origins with credentials. */
class AnswerHeadersTest {
    private static final String LOGIN = post("/api/auth/login", "", "{\"email\":\"ann@example.com\",\"password\":\"password1\"}");
    private static final String ORIGIN = "Origin: https://evil.example\r\n";

    private final FakeCore core = new FakeCore();
    private HttpHarness http = new HttpHarness(core, HttpHarness.settings());

    @AfterEach
    void nothingLeaked() {
        http.finish();
    }

    private static void assertHardened(HttpHarness.Answer answer, String what) {
        assertEquals("nosniff", answer.header("X-Content-Type-Options"), what);
        assertEquals("DENY", answer.header("X-Frame-Options"), what);
        assertEquals("frame-ancestors 'none'", answer.header("Content-Security-Policy"), what);
        assertEquals("no-store", answer.header("Cache-Control"), what);
    }

    @Test
    void everyApiAnswerIsNotSniffedNotFramedAndNotStored() {
        core.login = command -> CompletableFuture.completedFuture(Outcome.accepted(new SignedIn("t0k3n", FakeCore.ANN)));

        assertHardened(http.exchange(LOGIN), "login, which carries a token");
        assertHardened(http.exchange(get("/api/health", "")), "health");
        assertHardened(http.exchange(get("/api/nope", "")), "404");
        assertHardened(http.exchange(get("/api/auth/me", "")), "401");
        assertHardened(http.exchange("OPTIONS /api/rooms HTTP/1.1\r\nHost: t\r\n" + ORIGIN
                + "Access-Control-Request-Method: POST\r\n\r\n"), "the CORS preflight");
        assertHardened(http.exchange("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n"),
                "a body refused before it was read");
    }

    /** The web UI sends its token in a header, so it needs no credentials: "*" without them is all it gets. */
    @Test
    void anyOriginIsAnsweredStarWithoutCredentialsAndTheWebUisPreflightPasses() {
        HttpHarness.Answer preflight = http.exchange("OPTIONS /api/rooms HTTP/1.1\r\nHost: t\r\n" + ORIGIN
                + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization,content-type\r\n\r\n");
        HttpHarness.Answer simple = http.exchange(get("/api/health", ORIGIN));

        assertEquals(200, preflight.status());
        assertEquals("*", preflight.header("Access-Control-Allow-Origin"));
        assertNull(preflight.header("Access-Control-Allow-Credentials"));
        assertEquals(true, preflight.header("Access-Control-Allow-Methods").contains("POST"));
        assertEquals(true, preflight.header("Access-Control-Allow-Headers").toLowerCase().contains("authorization"));
        assertEquals("*", simple.header("Access-Control-Allow-Origin"));
        assertNull(simple.header("Access-Control-Allow-Credentials"));
    }

    @Test
    void aListOfOriginsIsAnsweredOriginByOriginWithCredentialsAndNoOtherOrigin() {
        http.finish();
        TransportSettings settings = new TransportSettings("127.0.0.1", 0, List.of("https://chat.example"), 1024, 1024,
                java.time.Duration.ofSeconds(10), 1);
        http = new HttpHarness(core, settings);

        HttpHarness.Answer trusted = http.exchange(get("/api/health", "Origin: https://chat.example\r\n"));
        HttpHarness.Answer other = http.exchange(get("/api/health", ORIGIN));

        assertEquals("https://chat.example", trusted.header("Access-Control-Allow-Origin"));
        assertEquals("true", trusted.header("Access-Control-Allow-Credentials"));
        assertNull(other.header("Access-Control-Allow-Origin"));
        assertNull(other.header("Access-Control-Allow-Credentials"));
    }

    @Test
    void aBodyRefusedEarlyStillCarriesCorsHeadersSoThePageCanSeeWhy() {
        HttpHarness.Answer refused = http.exchange("POST /api/auth/login HTTP/1.1\r\nHost: t\r\n" + ORIGIN
                + "Content-Length: 5000\r\n\r\n");

        assertEquals(413, refused.status());
        assertEquals("*", refused.header("Access-Control-Allow-Origin"));
    }

    @Test
    void uploadsAreCachedPrivatelyAndOnlyImagesAreShownInline() {
        core.uploads = new Files(Map.of("a.png", "image/png", "b.pdf", "application/pdf", "c", "application/octet-stream",
                "d.svg", "image/svg+xml"));

        HttpHarness.Answer image = http.exchange(get("/static/uploads/a.png", ""));
        assertEquals("image/png", image.header("Content-Type"));
        assertNull(image.header("Content-Disposition"));
        assertEquals("private, max-age=86400", image.header("Cache-Control"));
        assertEquals("nosniff", image.header("X-Content-Type-Options"));
        for (String name : List.of("b.pdf", "c", "d.svg")) {
            HttpHarness.Answer file = http.exchange(get("/static/uploads/" + name, ""));
            assertEquals("attachment", file.header("Content-Disposition"), name);
            assertEquals("private, max-age=86400", file.header("Cache-Control"), name);
            assertEquals("nosniff", file.header("X-Content-Type-Options"), name);
        }
    }

    /** Uploads the test knows by name and content type. */
    private record Files(Map<String, String> types) implements UploadsUseCase {
        @Override
        public CompletionStage<Outcome<StoredUpload>> upload(UserId uploader, String originalName, byte[] content) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long maxBytes() {
            return 1024;
        }

        @Override
        public CompletionStage<Optional<Blob>> download(String storedName) {
            return CompletableFuture.completedFuture(Optional.ofNullable(types.get(storedName))
                    .map(type -> new Blob(new byte[] {1, 2, 3}, type)));
        }
    }
}
