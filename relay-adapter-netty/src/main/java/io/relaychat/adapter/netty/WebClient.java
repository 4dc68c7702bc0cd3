package io.relaychat.adapter.netty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The browser client a transport serves, as its embedder hands it over: the index page and the files beside it,
 * under a version that is a content hash of them all. The transport never looks for the files itself (it does not
 * know where a build keeps them); it only serves what it is given, from memory.
 * <p>
 * The files' URLs carry the version ({@code /assets/<version>/app.js}), so that any change to any file gives every
 * file a new URL: browsers may then keep an asset forever, and only the index page, which names the current
 * version, is asked for again. The index page says {@value #ASSETS_PLACEHOLDER} where the URL prefix goes.
 */
public final class WebClient {
    /** The file answered at {@code /}; it is not served among the assets. */
    public static final String INDEX = "index.html";
    /** What the index page writes where the assets' URL prefix goes ({@code %ASSETS%/app.js}). */
    public static final String ASSETS_PLACEHOLDER = "%ASSETS%";
    /** The path the assets' versioned prefix starts with. */
    public static final String ASSETS_PATH = "/assets/";
    /**
     * Hex digits of the SHA-256 kept as the version: 48 bits, so that two builds of the client never share one by
     * chance, in a URL that still reads.
     */
    static final int VERSION_DIGITS = 12;

    /** One file as it is answered: its bytes and its content type. */
    record Asset(byte[] bytes, String contentType) {
        Asset {
            Objects.requireNonNull(bytes, "bytes");
            Objects.requireNonNull(contentType, "contentType");
        }
    }

    private final String version;
    private final byte[] indexPage;
    private final Map<String, Asset> assets;

    private WebClient(String version, byte[] indexPage, Map<String, Asset> assets) {
        this.version = version;
        this.indexPage = indexPage;
        this.assets = assets;
    }

    /**
     * The client made of {@code files}, by path relative to the client's folder with '/' between folders
     * ({@code index.html}, {@code views/rooms.js}); {@link #INDEX} must be among them.
     *
     * @throws IllegalArgumentException for a missing index page, or a path that is empty, absolute, or has an empty,
     *                                  {@code .} or {@code ..} segment or a backslash
     */
    public static WebClient of(Map<String, byte[]> files) {
        Map<String, byte[]> sorted = new TreeMap<>(files);
        sorted.keySet().forEach(WebClient::checkPath);
        byte[] index = sorted.get(INDEX);
        if (index == null) {
            throw new IllegalArgumentException("the web client has no " + INDEX);
        }
        String version = contentHash(sorted);
        String page = new String(index, StandardCharsets.UTF_8).replace(ASSETS_PLACEHOLDER, ASSETS_PATH + version);
        Map<String, Asset> assets = new TreeMap<>();
        sorted.forEach((path, bytes) -> {
            if (!path.equals(INDEX)) {
                assets.put(path, new Asset(bytes.clone(), AssetTypes.of(path)));
            }
        });
        return new WebClient(version, page.getBytes(StandardCharsets.UTF_8), Map.copyOf(assets));
    }

    /** The content hash that names this build of the client in its assets' URLs. */
    public String version() {
        return version;
    }

    /** How many files the client has, its index page with them. */
    public int fileCount() {
        return assets.size() + 1;
    }

    /** The index page, its assets' placeholder replaced by {@code /assets/<version>}. */
    byte[] indexPage() {
        return indexPage;
    }

    /** The asset at {@code path} (relative, as given to {@link #of}); empty for any other path. */
    Optional<Asset> asset(String path) {
        return Optional.ofNullable(assets.get(path));
    }

    /**
     * SHA-256 over every path and its bytes, in path order, each with its length before it: no two different trees
     * hash the same input, whatever their names and contents.
     */
    private static String contentHash(Map<String, byte[]> sorted) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        sorted.forEach((path, bytes) -> {
            byte[] name = path.getBytes(StandardCharsets.UTF_8);
            digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(name.length).array());
            digest.update(name);
            digest.update(ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
            digest.update(bytes);
        });
        return HexFormat.of().formatHex(digest.digest()).substring(0, VERSION_DIGITS);
    }

    private static void checkPath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            throw new IllegalArgumentException("not a relative path of the web client: " + path);
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("not a relative path of the web client: " + path);
            }
        }
    }
}
