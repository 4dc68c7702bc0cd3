package io.relaychat.adapter.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.relaychat.ports.model.Refusal;

import java.util.concurrent.TimeUnit;

/**
 * Joins a request's body, up to the largest any route accepts, and answers a bigger one with 413 and the
 * JSON error every other refusal has. The client may still be sending: closing at once would reset the
 * connection before it reads the answer, so the rest of the body is read and dropped (the aggregator
 * discards it) and the connection closes a second later.
 */
final class BoundedAggregator extends HttpObjectAggregator {
    BoundedAggregator(int maxContentLength) {
        super(maxContentLength);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        FullHttpResponse response = RestErrors.refused(Refusal.bodyTooLarge(maxContentLength()))
                .toHttp(HttpVersion.HTTP_1_1);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(written -> ctx.executor().schedule(() -> ctx.close(), 1, TimeUnit.SECONDS));
    }
}
