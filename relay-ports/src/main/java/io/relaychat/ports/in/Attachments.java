package io.relaychat.ports.in;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * What a message may link to: a file this server stored ({@code /static/uploads/<generated name>}) or a page
 * over {@code https}. Anything else, {@code javascript:} and {@code data:} URLs above all, would reach every
 * client in the room as a link.
 */
public final class Attachments {
    /** Where uploaded files are served, and the prefix of every upload URL the server hands out. */
    public static final String UPLOADS_PATH = "/static/uploads/";
    /** The names the server generates for uploads: an id, and a short extension it knows. */
    public static final Pattern STORED_NAME = Pattern.compile("^[A-Za-z0-9-]{1,64}(\\.[a-z0-9]{1,5})?$");
    public static final int MAX_URL_LENGTH = 2048;

    private Attachments() {
    }

    /** True for an upload URL of this server's shape or an https URL with a host. */
    public static boolean isAllowed(String url) {
        if (url == null || url.isEmpty() || url.length() > MAX_URL_LENGTH) {
            return false;
        }
        if (url.startsWith(UPLOADS_PATH)) {
            return STORED_NAME.matcher(url.substring(UPLOADS_PATH.length())).matches();
        }
        try {
            URI uri = new URI(url);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
