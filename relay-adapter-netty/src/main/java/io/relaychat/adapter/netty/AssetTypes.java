package io.relaychat.adapter.netty;

import java.util.Locale;
import java.util.Map;

/**
 * The content type of each kind of file the web client is made of, by its name's extension. Every answer also says
 * nosniff ({@link SecurityHeaders}), so a browser believes this type: a script must be named as one to run as one,
 * and anything unknown is plain bytes, never a page.
 */
final class AssetTypes {
    static final String UNKNOWN = "application/octet-stream";
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"));

    private AssetTypes() {
    }

    static String of(String path) {
        int dot = path.lastIndexOf('.');
        if (dot < 0 || dot < path.lastIndexOf('/')) {
            return UNKNOWN;
        }
        return BY_EXTENSION.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT), UNKNOWN);
    }
}
