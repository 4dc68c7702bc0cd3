package io.relaychat.adapter.netty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.relaychat.ports.in.ClientAddress;
import io.relaychat.ports.in.UploadsUseCase;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A routed request: the Netty request, its query parameters (decoded before routing, so a malformed escape is a
 * malformed request, not a fault), the path parameters the route captured and the socket's peer, and readers of
 * its body that answer 422 naming what is wrong (an upload's was read as it arrived: its outcome). Once a route
 * knows who made it, {@link #madeBy} tells the access log.
 */
final class ApiRequest {
    private final FullHttpRequest http;
    private final Map<String, List<String>> query;
    private final List<String> pathParams;
    private final Channel channel;

    ApiRequest(FullHttpRequest http, Map<String, List<String>> query, List<String> pathParams, Channel channel) {
        this.http = http;
        this.query = query;
        this.pathParams = pathParams;
        this.channel = channel;
    }

    /** Where the request came from, for the per-address limits; see {@link ClientAddressResolver}. */
    ClientAddress from(ClientAddressResolver addresses) {
        return addresses.resolve(channel.remoteAddress(), http.headers());
    }

    /** The request was made by {@code user} (its token was good, or it signed them in): for the access log. */
    void madeBy(User user) {
        AccessLog.identify(channel, user.id());
    }

    /** The request was made by a trusted backend with an API key: for the access log, as {@code user}. */
    void madeByBackend(UserId backend) {
        AccessLog.identify(channel, backend);
    }

    /** A request header, or null when absent. */
    String header(CharSequence name) {
        return http.headers().get(name);
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

    /** A query parameter that is an ISO-8601 timestamp, as history's {@code before} cursor; null when absent. */
    Instant timestampQuery(String name) {
        String text = query(name);
        if (text == null) {
            return null;
        }
        try {
            return WireFormat.parseTimestamp(text);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidField("query parameter '" + name + "' must be an ISO-8601 timestamp");
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

    /**
     * What became of the upload this request's body was streamed into ({@link UploadReceiver}): stored, or
     * refused (422 naming what is wrong with the form, 413 for a file over the limit).
     */
    CompletionStage<Outcome<UploadsUseCase.StoredUpload>> upload() {
        if (!(http instanceof UploadReceiver.Request streamed)) {
            throw new IllegalStateException("an upload's body is streamed, never buffered");
        }
        return streamed.upload().outcome();
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
