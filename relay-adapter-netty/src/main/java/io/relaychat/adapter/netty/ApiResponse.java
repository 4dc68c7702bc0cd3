package io.relaychat.adapter.netty;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;

/** What a route answers: a status, a body, its content type and any extra headers. */
record ApiResponse(HttpResponseStatus status, byte[] body, String contentType, Map<String, String> headers) {
    static final String JSON = "application/json";

    static ApiResponse json(HttpResponseStatus status, Object body) {
        return new ApiResponse(status, WireFormat.toJson(body), JSON, Map.of());
    }

    static ApiResponse ok(Object body) {
        return json(HttpResponseStatus.OK, body);
    }

    static ApiResponse error(HttpResponseStatus status, String detail) {
        return json(status, Map.of("detail", detail));
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put(name, value);
        return new ApiResponse(status, body, contentType, Map.copyOf(all));
    }
}
