package io.relaychat.server;

import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The browser client as a browser asks the real server for it: the page, the files it names, and what is refused. */
@IntegrationTest
class WebClientServedTest {
    private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob: data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Pattern SCRIPT = Pattern.compile("src=\"(/assets/([0-9a-f]+)/app\\.js)\"");
    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static RunningServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WITHIN).build();

    @BeforeAll
    static void start() {
        server = RunningServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void thePageIsServedAtTheRootWithItsPolicyAndCheckedOnEveryVisit() throws Exception {
        HttpResponse<String> page = get("/");

        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", header(page, "Content-Type"));
        assertEquals("no-cache", header(page, "Cache-Control"));
        assertEquals(PAGE_POLICY, header(page, "Content-Security-Policy"));
        assertEquals("DENY", header(page, "X-Frame-Options"));
        assertEquals("nosniff", header(page, "X-Content-Type-Options"));
        Matcher named = SCRIPT.matcher(page.body());
        assertTrue(named.find(), "the page names its script under a version");
        assertEquals(new String(resource("index.html"), StandardCharsets.UTF_8)
                .replace("%ASSETS%", "/assets/" + named.group(2)), page.body());
        assertFalse(page.body().contains("%ASSETS%"), page.body());
    }

    @Test
    void theScriptThePageNamesIsServedWithItsTypeAndKeptForever() throws Exception {
        Matcher named = SCRIPT.matcher(get("/").body());
        assertTrue(named.find(), "the page names its script under a version");

        HttpResponse<byte[]> script = http.send(request(named.group(1)), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, script.statusCode());
        assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElse(null));
        assertEquals("public, max-age=31536000, immutable", script.headers().firstValue("Cache-Control").orElse(null));
        assertArrayEquals(resource("app.js"), script.body());
        assertEquals("text/css; charset=utf-8",
                header(get("/assets/" + named.group(2) + "/app.css"), "Content-Type"));
    }

    @Test
    void anotherVersionATraversalOrAnUnknownFileIsNotFound() throws Exception {
        Matcher named = SCRIPT.matcher(get("/").body());
        assertTrue(named.find());
        String version = named.group(2);
        String other = version.startsWith("0") ? "1" + version.substring(1) : "0" + version.substring(1);

        assertNotFound(get("/assets/" + other + "/app.js"));
        assertNotFound(get("/assets/" + version + "/missing.js"));
        assertNotFound(get("/assets/" + version + "/index.html"));
        for (String path : new String[]{"/assets/" + version + "/../" + version + "/app.js",
                "/assets/" + version + "/%2e%2e/%2e%2e/pom.xml", "/assets/" + version + "/..%2fapp.js"}) {
            try (RawHttp raw = new RawHttp(server.port)) {
                RawHttp.Answer answer = raw.send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").read(WITHIN);
                assertEquals(404, answer.status(), path);
                assertEquals("{\"detail\":\"Not Found\",\"code\":\"not_found\"}", answer.body(), path);
            }
        }
    }

    @Test
    void anotherMethodIsNotAllowed() throws Exception {
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base() + "/")).timeout(WITHIN)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(405, posted.statusCode());
        assertEquals("{\"detail\":\"Method Not Allowed\",\"code\":\"method_not_allowed\"}", posted.body());
    }

    @Test
    void theApiAnswersAsBefore() throws Exception {
        HttpResponse<String> root = get("/api/");
        HttpResponse<String> health = get("/api/health");

        assertEquals(200, root.statusCode());
        assertEquals("{\"message\":\"RelayChat API\"}", root.body());
        assertEquals("frame-ancestors 'none'", header(root, "Content-Security-Policy"));
        assertEquals("no-store", header(root, "Cache-Control"));
        assertEquals(200, health.statusCode());
        assertEquals(404, get("/api/nothing-here").statusCode());
        assertEquals(404, get("/static/uploads/nothing-here").statusCode());
    }

    @Test
    void withTheWebClientOffTheRootIsNotFoundAsBefore() throws Exception {
        try (RunningServer apiOnly = RunningServer.start(Map.of("RELAY_WEB_CLIENT", "false"))) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + apiOnly.port + "/")).timeout(WITHIN).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(404, page.statusCode());
            assertEquals("{\"detail\":\"Not Found\",\"code\":\"not_found\"}", page.body());
            assertEquals("frame-ancestors 'none'", header(page, "Content-Security-Policy"));
            assertTrue(apiOnly.server.adapters().endsWith("web client: off"), apiOnly.server.adapters());
        }
        assertTrue(server.server.adapters().contains("web client: served at /"), server.server.adapters());
    }

    private static void assertNotFound(HttpResponse<String> answer) {
        assertEquals(404, answer.statusCode(), answer.uri().toString());
        assertEquals("{\"detail\":\"Not Found\",\"code\":\"not_found\"}", answer.body());
        assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path)).timeout(WITHIN).build();
    }

    private static String base() {
        return "http://127.0.0.1:" + server.port;
    }

    private static String header(HttpResponse<?> answer, String name) {
        return answer.headers().firstValue(name).orElse(null);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = WebClientServedTest.class.getClassLoader()
                .getResourceAsStream(WebClientFiles.FOLDER + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }
}
