package io.relaychat.adapter.netty;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import io.relaychat.ports.model.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The access log: one line for each REST answer once it is written ({@link HttpExchanges}) and one for each
 * WebSocket once it has closed ({@link WebSocketSession}, or {@link WebSocketUpgrade} for a refused token), on a
 * logger of its own, {@value #LOGGER}, which its level turns off. The fields are key-value pairs, so that a JSON
 * log has them as fields; nothing is logged per message.
 * <p>
 * Never a credential: a request is logged by its method and its path without the query (where a WebSocket's
 * {@code ?token=} travels), never a header or a body. The texts a client chose (method, path, close reason) are
 * escaped and cut short, so that a line stays one line, whatever was sent.
 */
final class AccessLog {
    static final String LOGGER = "relay.access";
    static final int MAX_PATH_CHARS = 512;
    private static final int MAX_METHOD_CHARS = 16;
    private static final int MAX_REASON_CHARS = 123; // the most a close frame carries
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** Who made the request under way on a connection, once its token was checked: set by the route, off the loop. */
    private static final AttributeKey<UserId> USER = AttributeKey.valueOf(AccessLog.class, "user");
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final ClientAddressResolver addresses;

    /** {@code addresses}: how a request's client is told, as for the per-address limits (trusted proxies). */
    AccessLog(ClientAddressResolver addresses) {
        this.addresses = addresses;
    }

    /** Whether lines are written at all: when not, nothing is measured for them either. */
    static boolean enabled() {
        return log.isInfoEnabled();
    }

    /** The request under way on {@code channel} was made by {@code user}; from any thread, before its answer. */
    static void identify(Channel channel, UserId user) {
        channel.attr(USER).set(user);
    }

    /** A new request begins on {@code channel}: nobody made it yet. */
    static void forget(Channel channel) {
        if (channel.hasAttr(USER)) {
            channel.attr(USER).set(null);
        }
    }

    /** The client's address, as the per-address limits see it. */
    String client(Channel channel, HttpHeaders headers) {
        return addresses.resolve(channel.remoteAddress(), headers).toString();
    }

    /**
     * One REST request answered: {@code bytesIn} of body received, {@code bytesOut} of body written, in
     * {@code nanos} from the first byte of its head to the last of its answer; {@code written} false when the
     * connection failed before the answer was all out.
     */
    void http(Channel channel, HttpRequest head, int status, long nanos, long bytesIn, long bytesOut, boolean written) {
        if (!enabled()) {
            return;
        }
        LoggingEventBuilder line = log.atInfo()
                .addKeyValue("method", printable(head.method().name(), MAX_METHOD_CHARS))
                .addKeyValue("path", path(head.uri()))
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", TimeUnit.NANOSECONDS.toMillis(nanos))
                .addKeyValue("bytes_in", bytesIn)
                .addKeyValue("bytes_out", bytesOut);
        UserId user = channel.hasAttr(USER) ? channel.attr(USER).get() : null;
        if (user != null) {
            line = line.addKeyValue("user_id", user.value());
        }
        line = line.addKeyValue("client", client(channel, head.headers()));
        if (!written) {
            line = line.addKeyValue("aborted", true);
        }
        line.log("http");
    }

    /**
     * One WebSocket ended after {@code nanos}: its user (null for a refused token), the text frames and their
     * payload bytes each way, the close status and reason, and who closed: "server", "client", or "network" for
     * a socket that ended without a close frame (code 1006, as a browser reports it).
     */
    static void webSocket(UserId user, String client, long nanos, long framesIn, long bytesIn, long framesOut,
                          long bytesOut, int closeCode, String closeReason, String closedBy) {
        if (!enabled()) {
            return;
        }
        LoggingEventBuilder line = log.atInfo();
        if (user != null) {
            line = line.addKeyValue("user_id", user.value());
        }
        line.addKeyValue("client", client)
                .addKeyValue("duration_ms", TimeUnit.NANOSECONDS.toMillis(nanos))
                .addKeyValue("frames_in", framesIn)
                .addKeyValue("bytes_in", bytesIn)
                .addKeyValue("frames_out", framesOut)
                .addKeyValue("bytes_out", bytesOut)
                .addKeyValue("close_code", closeCode)
                .addKeyValue("close_reason", printable(closeReason == null ? "" : closeReason, MAX_REASON_CHARS))
                .addKeyValue("closed_by", closedBy)
                .log("websocket");
    }

    /**
     * The path of {@code uri} as the client sent it, percent-escapes and all, without its query or fragment; a
     * character that is not printable ASCII, a quote or a backslash is percent-escaped in turn.
     */
    static String path(String uri) {
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        StringBuilder out = new StringBuilder(Math.min(end, MAX_PATH_CHARS) + 8);
        for (int i = 0; i < end && out.length() < MAX_PATH_CHARS; i++) {
            char c = uri.charAt(i);
            if (c > ' ' && c < 0x7f && c != '"' && c != '\\') {
                out.append(c);
            } else {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
                }
            }
        }
        if (end > MAX_PATH_CHARS) {
            out.append("...");
        }
        return out.toString();
    }

    /** {@code text} with control characters, quotes and backslashes escaped, and at most {@code max} of its chars. */
    static String printable(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 8);
        for (int i = 0; i < text.length() && i < max; i++) {
            char c = text.charAt(i);
            if (c < ' ' || c == 0x7f || c == '"' || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > max) {
            out.append("...");
        }
        return out.toString();
    }
}
