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
 * user's data; none of it belongs in a cache, and the API is never meant to be shown in a frame.
 */
@ChannelHandler.Sharable
final class SecurityHeaders extends ChannelOutboundHandlerAdapter {
    static final SecurityHeaders INSTANCE = new SecurityHeaders();
    static final String NO_FRAMES = "frame-ancestors 'none'";
    private static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";

    private SecurityHeaders() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            apply(response.headers());
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
