package io.relaychat.adapter.netty;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.relaychat.ports.model.BlobReader;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route answers: a status, a body, its content type and any extra headers; or, for a stored file, a
 * reader of its chunks instead of a body ({@code stream}), written as the client reads it.
 */
record ApiResponse(HttpResponseStatus status, byte[] body, String contentType, Map<String, String> headers,
                   BlobReader stream) {
    static final String JSON = "application/json";

    ApiResponse(HttpResponseStatus status, byte[] body, String contentType, Map<String, String> headers) {
        this(status, body, contentType, headers, null);
    }

    static ApiResponse file(BlobReader stream) {
        return new ApiResponse(HttpResponseStatus.OK, new byte[0], stream.contentType(), Map.of(), stream);
    }

    static ApiResponse json(HttpResponseStatus status, Object body) {
        return new ApiResponse(status, WireFormat.toJson(body), JSON, Map.of());
    }

    static ApiResponse ok(Object body) {
        return json(HttpResponseStatus.OK, body);
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new ApiResponse(status, body, contentType, Map.copyOf(all), stream);
    }

    /** The head of a streamed file, its length told up front; the caller adds the Connection header. */
    HttpResponse streamedHead(HttpVersion version) {
        HttpResponse http = new DefaultHttpResponse(version, status);
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        http.headers().set(HttpHeaderNames.CONTENT_LENGTH, stream.size());
        headers.forEach(http.headers()::set);
        return http;
    }

    /** As Netty writes it; the caller adds the Connection header, which depends on the request. */
    FullHttpResponse toHttp(HttpVersion version) {
        FullHttpResponse http = new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(body));
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        headers.forEach(http.headers()::set);
        return http;
    }
}
