package io.relaychat.adapter.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * The headers every HTTP answer carries, whoever wrote it (a route, the CORS preflight, a refused body): no
 * content sniffing; not to be framed; not to be stored by any cache unless the answer says otherwise (only
 * uploaded files do). The answers of register and login carry a token, and every other API answer carries a
 * user's data; none of it belongs in a cache, and the API is never meant to be shown in a frame. When the node
 * serves TLS itself ({@link #OVER_TLS}), answers also tell browsers to come back over HTTPS only
 * (Strict-Transport-Security), so a later visit typed as http:// is never sent in the clear. Without TLS the
 * header is left out: browsers ignore it over plain HTTP, and a proxy that ends TLS in front sets its own.
 */
@ChannelHandler.Sharable
final class SecurityHeaders extends ChannelOutboundHandlerAdapter {
    static final SecurityHeaders INSTANCE = new SecurityHeaders(false);
    static final SecurityHeaders OVER_TLS = new SecurityHeaders(true);
    static final String NO_FRAMES = "frame-ancestors 'none'";
    /**
     * A year, the span browsers' preload lists ask for. Without includeSubDomains: the node cannot know that every
     * other host under its domain serves HTTPS.
     */
    static final String STRICT_TRANSPORT = "max-age=31536000";
    private static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
    static final String STRICT_TRANSPORT_SECURITY = "Strict-Transport-Security";

    private final boolean overTls;

    private SecurityHeaders(boolean overTls) {
        this.overTls = overTls;
    }

    static SecurityHeaders forTls(boolean overTls) {
        return overTls ? OVER_TLS : INSTANCE;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            apply(response.headers());
            if (overTls) {
                response.headers().set(STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT);
            }
        }
        ctx.write(msg, promise);
    }

    static void apply(HttpHeaders headers) {
        headers.set(CONTENT_TYPE_OPTIONS, "nosniff");
        if (!headers.contains(HttpHeaderNames.CACHE_CONTROL)) {
            headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        }
        headers.set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY");
        if (!headers.contains(HttpHeaderNames.CONTENT_SECURITY_POLICY)) {
            headers.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, NO_FRAMES);
        }
    }
}
