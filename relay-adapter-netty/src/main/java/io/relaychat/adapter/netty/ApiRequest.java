package io.relaychat.adapter.netty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.relaychat.ports.model.Refusal;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A routed request: the Netty request, its query parameters (decoded before routing, so a malformed escape is a
 * malformed request, not a fault) and the path parameters the route captured, and readers of its body that
 * answer 422 naming what is wrong.
 */
final class ApiRequest {
    private final FullHttpRequest http;
    private final Map<String, List<String>> query;
    private final List<String> pathParams;

    ApiRequest(FullHttpRequest http, Map<String, List<String>> query, List<String> pathParams) {
        this.http = http;
        this.query = query;
        this.pathParams = pathParams;
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
            throw ApiException.invalidField("query parameter '" + name + "' is required");
        }
        return value;
    }

    /** An integer query parameter, or {@code fallback} when absent; 422 naming it when it is not an int. */
    int intQuery(String name, int fallback) {
        String text = query(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalidField("query parameter '" + name + "' must be an integer");
        }
    }

    /**
     * A query parameter that is present and a long: seqs are longs, and clients in JavaScript count them
     * exactly up to 2^53, so a cursor past 2^31 is a cursor like any other.
     */
    long longQuery(String name) {
        try {
            return Long.parseLong(requiredQuery(name).strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalidField("query parameter '" + name + "' must be an integer");
        }
    }

    String bearerToken() {
        return bearerToken(http.headers());
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    static String bearerToken(HttpHeaders headers) {
        String header = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    /** The body as a JSON object; 422 invalid_json when it is not one. */
    JsonNode jsonBody() {
        if (!http.content().isReadable()) {
            throw new ApiException(Refusal.bodyNotJsonObject());
        }
        JsonNode body;
        try (ByteBufInputStream in = new ByteBufInputStream(http.content().duplicate())) {
            body = WireFormat.MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw new ApiException(Refusal.bodyNotJson());
        } catch (IOException e) {
            throw new ApiException(Refusal.bodyUnreadable());
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(Refusal.bodyNotJsonObject());
        }
        return body;
    }

    record UploadedFile(String filename, byte[] content) {
    }

    /** The file in the multipart field {@code field}; 422 naming the field when there is none. */
    UploadedFile uploadedFile(String field) {
        String notMultipart = "request body must be multipart/form-data with a '" + field + "' field";
        HttpPostRequestDecoder decoder;
        try {
            decoder = new HttpPostRequestDecoder(new DefaultHttpDataFactory(false), http);
        } catch (HttpPostRequestDecoder.ErrorDataDecoderException | IllegalArgumentException | IndexOutOfBoundsException e) {
            // The whole body is parsed here; IllegalArgumentException: a charset Java does not know (or that is
            // not even a name), on the request or on a part, which Netty lets through unwrapped;
            // IndexOutOfBoundsException: an empty boundary ("boundary="), whose first character Netty reads unchecked.
            throw ApiException.invalidField(notMultipart);
        }
        try {
            InterfaceHttpData part = decoder.getBodyHttpData(field);
            if (!(part instanceof FileUpload file)) {
                throw ApiException.invalidField(part instanceof Attribute
                        ? "field '" + field + "' must be a file" : "field '" + field + "' is required");
            }
            return new UploadedFile(file.getFilename(), file.get());
        } catch (IOException e) {
            throw ApiException.invalidField("upload could not be read");
        } catch (HttpPostRequestDecoder.ErrorDataDecoderException | HttpPostRequestDecoder.NotEnoughDataDecoderException e) {
            throw ApiException.invalidField(notMultipart);
        } finally {
            // A file part the body ended inside of is the decoder's partial data, which destroy() does not release
            // when it is held in memory: released here, or its buffer leaks.
            InterfaceHttpData partial = decoder.currentPartialHttpData();
            decoder.destroy();
            if (partial != null && partial.refCnt() > 0) {
                partial.release();
            }
        }
    }

    /** A string field of a JSON body; 422 naming the field when it is missing or not a string. */
    static String requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.invalidField("field '" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw ApiException.invalidField("field '" + field + "' must be a string");
        }
        return value.textValue();
    }

    static String optionalText(JsonNode body, String field, String fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw ApiException.invalidField("field '" + field + "' must be a string");
        }
        return value.textValue();
    }
}
