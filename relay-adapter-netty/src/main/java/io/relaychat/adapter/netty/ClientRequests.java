package io.relaychat.adapter.netty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.ServerEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one client text frame into a {@link ClientRequest}, or says what is wrong with it: a malformed
 * frame is answered with an error naming the fault, and the connection stays usable.
 */
final class ClientRequests {
    private static final ClientRequest.Ping PING = new ClientRequest.Ping();

    private ClientRequests() {
    }

    /** A frame that cannot become a request; {@link #notice()} is what the client is told. */
    static final class BadRequest extends RuntimeException {
        private final Refusal refusal;
        private final String clientId;

        BadRequest(Refusal refusal, String clientId) {
            super(refusal.message(), null, false, false);
            this.refusal = refusal;
            this.clientId = clientId;
        }

        ServerEvent.ErrorNotice notice() {
            return new ServerEvent.ErrorNotice(refusal, clientId);
        }
    }

    /**
     * A reader of trees made once: the mapper's own readTree looks the tree's type up again on every call, which
     * was a third of the parsing's cost.
     */
    private static final ObjectReader TREE = WireFormat.MAPPER.reader();

    /** The request in {@code text}; throws {@link BadRequest} when it is malformed. */
    static ClientRequest parse(String text) {
        JsonNode frame;
        try {
            frame = TREE.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadRequest(Refusal.invalidJson(), null);
        }
        if (frame == null || !frame.isObject()) {
            throw new BadRequest(Refusal.invalidJson(), null);
        }
        String clientId = null;
        try {
            // Read first, so that every error about the frame can echo it.
            clientId = optionalText(frame, "client_id");
            String action = optionalText(frame, "action");
            if (action == null) {
                throw new BadRequest(Refusal.missingAction(), clientId);
            }
            switch (action) {
                case "join_room":
                    return new ClientRequest.Join(roomId(frame), optionalSeq(frame, "since_seq"));
                case "leave_room":
                    return new ClientRequest.Leave(roomId(frame));
                case "send_message":
                    return new ClientRequest.Send(new SendMessageCommand(roomIdOrNull(frame),
                            optionalText(frame, "content"), attachments(frame), clientId));
                case "typing":
                    return new ClientRequest.Typing(roomId(frame));
                case "ping":
                    return PING;
                default:
                    throw new BadRequest(Refusal.unknownAction(action), clientId);
            }
        } catch (InvalidCommandException e) {
            throw new BadRequest(Refusal.invalidField(e.getMessage()), clientId);
        }
    }

    private static RoomId roomId(JsonNode frame) {
        return new RoomId(optionalText(frame, "room_id"));
    }

    /** A blank room id is left for the command to refuse, with the same words as a missing one. */
    private static RoomId roomIdOrNull(JsonNode frame) {
        String value = optionalText(frame, "room_id");
        return value == null || value.isBlank() ? null : new RoomId(value);
    }

    private static String optionalText(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidCommandException(field, field + " must be a string");
        }
        return value.textValue();
    }

    private static Long optionalSeq(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.longValue() < 0) {
            throw new InvalidCommandException(field, field + " must be a non-negative integer");
        }
        return value.longValue();
    }

    private static List<String> attachments(JsonNode frame) {
        JsonNode value = frame.get("attachments");
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new InvalidCommandException("attachments", "attachments must be a list of URLs");
        }
        List<String> urls = new ArrayList<>(value.size());
        for (JsonNode url : value) {
            if (!url.isTextual()) {
                throw new InvalidCommandException("attachments", "attachments must be a list of URLs");
            }
            urls.add(url.textValue());
        }
        return urls;
    }
}
