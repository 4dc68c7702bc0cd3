package io.relaychat.adapter.netty;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.relaychat.ports.model.Refusal;

import java.util.Map;
import java.util.Optional;

/**
 * Answers the web client's URLs, when the transport was given one ({@link TransportSettings#webClient()}): its index
 * page at {@code /}, its files under {@code /assets/<version>/}, and {@code /favicon.ico}, which browsers ask for by
 * themselves. Refusals are the API's (404, 405 and the same JSON), so a client sees one server. Without a web client
 * nothing here answers, and {@code /} is the API's 404 as it always was.
 * <p>
 * The page is asked for again on every visit ({@code no-cache}: a browser may keep it but must check), since it
 * names the current version; a file under a version never changes, so browsers and caches keep it for a year
 * without asking. Every answer carries the page's Content-Security-Policy, which {@link SecurityHeaders} leaves as
 * it is: the page may load only its own scripts, styles, images and fonts and talk only to its own origin, and no
 * script written into the page (an injected {@code <script>} or {@code onclick}) runs.
 */
final class WebClientRoutes {
    static final String PAGE = "/";
    /** Where every browser looks for an icon by itself, for a page that names none. */
    static final String ICON = "/favicon.ico";
    static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob: data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static final String PAGE_CACHING = "no-cache";
    static final String ASSET_CACHING = "public, max-age=31536000, immutable";
    /** The icon's URL has no version, so it is kept a day rather than forever. */
    static final String ICON_CACHING = "public, max-age=86400";

    private final Optional<WebClient> site;

    WebClientRoutes(Optional<WebClient> site) {
        this.site = site;
    }

    /** Whether {@code path} (as routed: decoded, without its query) is this client's to answer. */
    boolean owns(String path) {
        return site.isPresent() && (path.equals(PAGE) || path.equals(ICON) || path.startsWith(WebClient.ASSETS_PATH));
    }

    /** The answer to a request for a path this client {@link #owns}. */
    ApiResponse answer(HttpMethod method, String path) {
        WebClient client = site.orElseThrow();
        if (path.equals(ICON)) {
            return icon(client, method);
        }
        Optional<WebClient.Asset> found = path.equals(PAGE)
                ? Optional.of(new WebClient.Asset(client.indexPage(), AssetTypes.of(WebClient.INDEX)))
                : asset(client, path);
        if (found.isEmpty()) {
            return withPolicy(RestErrors.refused(Refusal.pathNotFound()));
        }
        if (!method.equals(HttpMethod.GET)) {
            return withPolicy(RestErrors.refused(Refusal.methodNotAllowed()));
        }
        String caching = path.equals(PAGE) ? PAGE_CACHING : ASSET_CACHING;
        return withPolicy(new ApiResponse(HttpResponseStatus.OK, found.get().bytes(), found.get().contentType(),
                Map.of(HttpHeaderNames.CACHE_CONTROL.toString(), caching)));
    }

    /**
     * The asset named after {@code /assets/<version>/}, for the current version only: an old page's files are gone
     * with the build that had them, and a made-up version must not reach today's files under a URL cached forever.
     */
    private static Optional<WebClient.Asset> asset(WebClient client, String path) {
        String prefix = WebClient.ASSETS_PATH + client.version() + "/";
        if (!path.startsWith(prefix)) {
            return Optional.empty();
        }
        return client.asset(path.substring(prefix.length()));
    }

    /**
     * The client's own favicon.ico when it has one; else nothing, said with 204, since a 404 for a file the page never
     * asked for would be an error in every visitor's console.
     */
    private static ApiResponse icon(WebClient client, HttpMethod method) {
        if (!method.equals(HttpMethod.GET)) {
            return withPolicy(RestErrors.refused(Refusal.methodNotAllowed()));
        }
        WebClient.Asset icon = client.asset(ICON.substring(1))
                .orElse(new WebClient.Asset(new byte[0], AssetTypes.of(ICON)));
        HttpResponseStatus status = icon.bytes().length == 0 ? HttpResponseStatus.NO_CONTENT : HttpResponseStatus.OK;
        return withPolicy(new ApiResponse(status, icon.bytes(), icon.contentType(),
                Map.of(HttpHeaderNames.CACHE_CONTROL.toString(), ICON_CACHING)));
    }

    private static ApiResponse withPolicy(ApiResponse response) {
        return response.withHeader(HttpHeaderNames.CONTENT_SECURITY_POLICY.toString(), PAGE_POLICY);
    }
}
