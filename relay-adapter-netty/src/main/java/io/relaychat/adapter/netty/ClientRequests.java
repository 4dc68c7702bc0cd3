package io.relaychat.adapter.netty;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.ServerEvent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one client text frame into a {@link ClientRequest}, or says what is wrong with it: a malformed
 * frame is answered with an error naming the fault, and the connection stays usable.
 */
final class ClientRequests {
    private static final ClientRequest.Ping PING = new ClientRequest.Ping();
    private static final JsonFactory FACTORY = WireFormat.MAPPER.getFactory();

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

    /** The request in {@code text}; throws {@link BadRequest} when it is malformed. */
    static ClientRequest parse(String text) {
        Fields frame = Fields.read(text);
        String clientId = null;
        try {
            // Read first, so that every error about the frame can echo it.
            clientId = frame.text(Field.CLIENT_ID);
            String action = frame.text(Field.ACTION);
            if (action == null) {
                throw new BadRequest(Refusal.missingAction(), clientId);
            }
            switch (action) {
                case "join_room":
                    return new ClientRequest.Join(roomId(frame), frame.seq(Field.SINCE_SEQ));
                case "leave_room":
                    return new ClientRequest.Leave(roomId(frame));
                case "send_message":
                    return new ClientRequest.Send(new SendMessageCommand(roomIdOrNull(frame),
                            frame.text(Field.CONTENT), frame.attachments(), clientId));
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

    private static RoomId roomId(Fields frame) {
        return new RoomId(frame.text(Field.ROOM_ID));
    }

    /** A blank room id is left for the command to refuse, with the same words as a missing one. */
    private static RoomId roomIdOrNull(Fields frame) {
        String value = frame.text(Field.ROOM_ID);
        return value == null || value.isBlank() ? null : new RoomId(value);
    }

    /** The fields a request may have; every other field of a frame is skipped unread. */
    private enum Field {
        ACTION("action"), CLIENT_ID("client_id"), ROOM_ID("room_id"), CONTENT("content"), SINCE_SEQ("since_seq"),
        ATTACHMENTS("attachments");

        private final String wireName;

        Field(String wireName) {
            this.wireName = wireName;
        }

        static Field named(String name) {
            switch (name) {
                case "action": return ACTION;
                case "client_id": return CLIENT_ID;
                case "room_id": return ROOM_ID;
                case "content": return CONTENT;
                case "since_seq": return SINCE_SEQ;
                case "attachments": return ATTACHMENTS;
                default: return null;
            }
        }
    }

    /**
     * A frame's known fields, read in one pass of a streaming parser: a tree of every field was most of the cost of
     * reading a send. A value of the wrong kind is kept as {@link #WRONG_KIND} and only refused when the request
     * reads the field, so a frame is refused for the same field, in the same order, as the request names them; as
     * in a tree, the last of a field written twice is the one that counts, and what follows the object is ignored.
     */
    private static final class Fields {
        private static final Object WRONG_KIND = new Object();
        private static final int FIELDS = Field.values().length;
        private final Object[] values = new Object[FIELDS];

        static Fields read(String text) {
            Fields fields = new Fields();
            try (JsonParser json = FACTORY.createParser(text)) {
                if (json.nextToken() != JsonToken.START_OBJECT) {
                    throw new BadRequest(Refusal.invalidJson(), null);
                }
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    Field field = Field.named(json.currentName());
                    JsonToken token = json.nextToken();
                    if (field == null) {
                        json.skipChildren();
                    } else {
                        fields.values[field.ordinal()] = valueOf(field, token, json);
                    }
                }
            } catch (IOException e) {
                throw new BadRequest(Refusal.invalidJson(), null);
            }
            return fields;
        }

        /** The value of {@code field} that starts at {@code token}: null for JSON null, else its kind or wrong. */
        private static Object valueOf(Field field, JsonToken token, JsonParser json) throws IOException {
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            switch (field) {
                case SINCE_SEQ:
                    if (token == JsonToken.VALUE_NUMBER_INT && json.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                            && json.getLongValue() >= 0) {
                        return json.getLongValue();
                    }
                    json.skipChildren();
                    return WRONG_KIND;
                case ATTACHMENTS:
                    return token == JsonToken.START_ARRAY ? urls(json) : skipped(json);
                default:
                    return token == JsonToken.VALUE_STRING ? json.getText() : skipped(json);
            }
        }

        private static Object skipped(JsonParser json) throws IOException {
            json.skipChildren();
            return WRONG_KIND;
        }

        /** An array of strings; wrong as a whole when any element is not one, read to its end either way. */
        private static Object urls(JsonParser json) throws IOException {
            List<String> urls = new ArrayList<>();
            boolean wrong = false;
            JsonToken token;
            while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
                if (token == JsonToken.VALUE_STRING) {
                    urls.add(json.getText());
                } else {
                    wrong = true;
                    json.skipChildren();
                }
            }
            return wrong ? WRONG_KIND : urls;
        }

        String text(Field field) {
            Object value = values[field.ordinal()];
            if (value == WRONG_KIND) {
                throw new InvalidCommandException(field.wireName, field.wireName + " must be a string");
            }
            return (String) value;
        }

        Long seq(Field field) {
            Object value = values[field.ordinal()];
            if (value == WRONG_KIND) {
                throw new InvalidCommandException(field.wireName, field.wireName + " must be a non-negative integer");
            }
            return (Long) value;
        }

        @SuppressWarnings("unchecked")
        List<String> attachments() {
            Object value = values[Field.ATTACHMENTS.ordinal()];
            if (value == WRONG_KIND) {
                throw new InvalidCommandException("attachments", "attachments must be a list of URLs");
            }
            return value == null ? List.of() : (List<String>) value;
        }
    }
}
