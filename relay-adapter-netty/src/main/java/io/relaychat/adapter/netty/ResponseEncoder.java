package io.relaychat.adapter.netty;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Netty's response encoder, told by the decoder which request it answers, so that the answer to a HEAD is sent
 * without its body (what Netty's combined server codec does, which the one-request decoder stands in for).
 */
final class ResponseEncoder extends HttpResponseEncoder {
    private final OneRequestDecoder decoder;

    ResponseEncoder(OneRequestDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse response) {
        return HttpMethod.HEAD.equals(decoder.method()) || super.isContentAlwaysEmpty(response);
    }
}
