package io.relaychat.adapter.netty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A routed request: the Netty request, its query parameters and the path parameters the route captured. */
final class ApiRequest {
    private final FullHttpRequest http;
    private final Map<String, List<String>> query;
    private final List<String> pathParams;

    ApiRequest(FullHttpRequest http, QueryStringDecoder uri, List<String> pathParams) {
        this.http = http;
        this.query = uri.parameters();
        this.pathParams = pathParams;
    }

    FullHttpRequest http() {
        return http;
    }

    String pathParam(int index) {
        return pathParams.get(index);
    }

    /** A query parameter, or null when absent. */
    String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    String requiredQuery(String name) {
        String value = query(name);
        if (value == null) {
            throw ApiException.unprocessable("query parameter '" + name + "' is required");
        }
        return value;
    }

    String bearerToken() {
        String header = http.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    /** The body as a JSON object; 422 when it is not one. */
    JsonNode jsonBody() {
        if (!http.content().isReadable()) {
            throw ApiException.unprocessable("request body must be a JSON object");
        }
        JsonNode body;
        try (ByteBufInputStream in = new ByteBufInputStream(http.content().duplicate())) {
            body = WireFormat.MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw ApiException.unprocessable("request body is not valid JSON");
        } catch (IOException e) {
            throw ApiException.unprocessable("request body could not be read");
        }
        if (body == null || !body.isObject()) {
            throw ApiException.unprocessable("request body must be a JSON object");
        }
        return body;
    }

    /** A string field of a JSON body; 422 naming the field when it is missing or not a string. */
    static String requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.unprocessable("field '" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw ApiException.unprocessable("field '" + field + "' must be a string");
        }
        return value.textValue();
    }

    static String optionalText(JsonNode body, String field, String fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw ApiException.unprocessable("field '" + field + "' must be a string");
        }
        return value.textValue();
    }
}
