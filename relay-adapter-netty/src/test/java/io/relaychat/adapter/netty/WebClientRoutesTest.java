package io.relaychat.adapter.netty;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static io.relaychat.adapter.netty.HttpHarness.get;
import static io.relaychat.adapter.netty.HttpHarness.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web client as a browser fetches it through the transport's pipeline: its page, its files, and what is refused. */
class WebClientRoutesTest {
    private static final String PAGE = "<!doctype html><link rel=\"stylesheet\" href=\"%ASSETS%/app.css\">"
            + "<script type=\"module\" src=\"%ASSETS%/app.js\"></script><main id=\"app\"></main>";
    private final WebClient site = WebClient.of(files(Map.of(
            "index.html", PAGE,
            "app.js", "import './views/rooms.js';",
            "views/rooms.js", "export const rooms = 1;",
            "app.css", "body { margin: 0 }",
            "icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")));
    private final HttpHarness http = new HttpHarness(new FakeCore(),
            HttpHarness.settings().withWebClient(Optional.of(site)));

    @AfterEach
    void nothingLeaked() {
        http.finish();
    }

    @Test
    void thePageNamesItsFilesUnderTheVersionAndIsCheckedOnEveryVisit() {
        HttpHarness.Answer page = http.exchange(get("/", ""));

        assertEquals(200, page.status());
        assertEquals("text/html; charset=utf-8", page.header("Content-Type"));
        assertTrue(page.body().contains("src=\"/assets/" + site.version() + "/app.js\""), page.body());
        assertTrue(page.body().contains("href=\"/assets/" + site.version() + "/app.css\""), page.body());
        assertEquals("no-cache", page.header("Cache-Control"));
        assertEquals(WebClientRoutes.PAGE_POLICY, page.header("Content-Security-Policy"));
        assertEquals("DENY", page.header("X-Frame-Options"));
        assertEquals("nosniff", page.header("X-Content-Type-Options"));
    }

    @Test
    void aFileUnderTheVersionComesWithItsTypeAndIsKeptForever() {
        String assets = "/assets/" + site.version() + "/";

        HttpHarness.Answer script = http.exchange(get(assets + "views/rooms.js", ""));
        HttpHarness.Answer style = http.exchange(get(assets + "app.css", ""));
        HttpHarness.Answer icon = http.exchange(get(assets + "icon.svg", ""));

        assertEquals(200, script.status());
        assertEquals("export const rooms = 1;", script.body());
        assertEquals("text/javascript; charset=utf-8", script.header("Content-Type"));
        assertEquals(WebClientRoutes.ASSET_CACHING, script.header("Cache-Control"));
        assertEquals("text/css; charset=utf-8", style.header("Content-Type"));
        assertEquals("image/svg+xml", icon.header("Content-Type"));
        assertEquals(WebClientRoutes.PAGE_POLICY, icon.header("Content-Security-Policy"));
    }

    @Test
    void anotherVersionATraversalOrAnUnknownFileIsTheApisNotFound() {
        String assets = "/assets/" + site.version() + "/";
        for (String path : new String[]{"/assets/000000000000/app.js", assets + "../app.js", assets + "%2e%2e/app.js",
                assets + "views/../app.js", assets + "missing.js", assets + "index.html", assets, "/assets/",
                "/assets/" + site.version()}) {
            HttpHarness.Answer answer = http.exchange(get(path, ""));

            assertEquals(404, answer.status(), path);
            assertEquals("{\"detail\":\"Not Found\",\"code\":\"not_found\"}", answer.body(), path);
            assertEquals("no-store", answer.header("Cache-Control"), path);
        }
    }

    @Test
    void anyOtherMethodIsTheApisMethodNotAllowed() {
        HttpHarness.Answer page = http.exchange(post("/", "", "{}"));
        HttpHarness.Answer file = http.exchange(post("/assets/" + site.version() + "/app.js", "", "{}"));

        assertEquals(405, page.status());
        assertEquals("{\"detail\":\"Method Not Allowed\",\"code\":\"method_not_allowed\"}", page.body());
        assertEquals(405, file.status());
    }

    @Test
    void theIconBrowsersAskForByThemselvesIsNoContentWhenTheClientHasNone() {
        HttpHarness.Answer icon = http.exchange(get("/favicon.ico", ""));

        assertEquals(204, icon.status());
        assertEquals(WebClientRoutes.ICON_CACHING, icon.header("Cache-Control"));
    }

    @Test
    void theClientsOwnIconIsServedWhenItHasOne() {
        HttpHarness withIcon = new HttpHarness(new FakeCore(), HttpHarness.settings().withWebClient(Optional.of(
                WebClient.of(files(Map.of("index.html", PAGE, "favicon.ico", "icon-bytes"))))));

        HttpHarness.Answer icon = withIcon.exchange(get("/favicon.ico", ""));
        withIcon.finish();

        assertEquals(200, icon.status());
        assertEquals("icon-bytes", icon.body());
        assertEquals("image/x-icon", icon.header("Content-Type"));
    }

    @Test
    void theApiIsAnsweredAsBefore() {
        HttpHarness.Answer api = http.exchange(get("/api/", ""));
        HttpHarness.Answer unknown = http.exchange(get("/api/nothing", ""));

        assertEquals(200, api.status());
        assertEquals("{\"message\":\"RelayChat API\"}", api.body());
        assertEquals("frame-ancestors 'none'", api.header("Content-Security-Policy"));
        assertEquals(404, unknown.status());
    }

    @Test
    void withoutAWebClientThePageIsNotFoundAsAlways() {
        HttpHarness none = new HttpHarness(new FakeCore(), HttpHarness.settings());

        HttpHarness.Answer page = none.exchange(get("/", ""));
        HttpHarness.Answer file = none.exchange(get("/assets/" + site.version() + "/app.js", ""));
        none.finish();

        assertEquals(404, page.status());
        assertEquals("frame-ancestors 'none'", page.header("Content-Security-Policy"));
        assertEquals(404, file.status());
    }

    @Test
    void anyChangeToAnyFileGivesANewVersion() {
        Map<String, String> changed = new LinkedHashMap<>(Map.of("index.html", PAGE, "app.js", "import './views/rooms.js';",
                "views/rooms.js", "export const rooms = 2;", "app.css", "body { margin: 0 }",
                "icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
        Map<String, String> renamed = new LinkedHashMap<>(changed);
        renamed.put("views/rooms.js", "export const rooms = 1;");
        renamed.put("views/room.js", renamed.remove("views/rooms.js"));

        assertNotEquals(site.version(), WebClient.of(files(changed)).version());
        assertNotEquals(site.version(), WebClient.of(files(renamed)).version());
        assertEquals(site.version(), WebClient.of(files(Map.of("index.html", PAGE, "app.js", "import './views/rooms.js';",
                "views/rooms.js", "export const rooms = 1;", "app.css", "body { margin: 0 }",
                "icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"))).version());
    }

    @Test
    void aClientWithoutItsPageOrWithAPathOutsideItsFolderIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> WebClient.of(files(Map.of("app.js", ""))));
        assertThrows(IllegalArgumentException.class, () -> WebClient.of(files(Map.of("index.html", "", "../x.js", ""))));
        assertThrows(IllegalArgumentException.class, () -> WebClient.of(files(Map.of("index.html", "", "/x.js", ""))));
    }

    private static Map<String, byte[]> files(Map<String, String> texts) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        texts.forEach((path, text) -> files.put(path, text.getBytes(StandardCharsets.UTF_8)));
        return files;
    }
}
