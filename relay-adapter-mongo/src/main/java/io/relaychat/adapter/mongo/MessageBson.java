package io.relaychat.adapter.mongo;

import io.relaychat.ports.model.ChatMessage;
import org.bson.BsonBinaryWriter;
import org.bson.RawBsonDocument;
import org.bson.io.BasicOutputBuffer;
import org.bson.types.ObjectId;

import java.util.List;

/**
 * Writes a message document for the {@code messages} collection straight as BSON bytes, field by field in the shape
 * {@link MongoMessageStore#document} gives it, and the {@code _id} the driver would have added to that one.
 * <p>
 * Why bytes: the driver encodes a {@link org.bson.Document} by looking a codec up for every field's value, on every
 * insert, on the one thread that encodes them; at a busy node's pace that lookup took a third of that thread. A
 * {@link RawBsonDocument} is copied into the insert as it is, with no lookup at all.
 * <p>
 * Why the {@code _id}: for a {@code Document} the driver generates an ObjectId when there is none and writes it first.
 * For a raw document nothing does: its codec is no {@code CollectibleCodec}, and its bytes are piped past the writer
 * that would add one. The server would then make the id itself (MongoDB puts it first, the in-process stand-in of the
 * tests last); written here, the stored document stays exactly what it
 * was (an ObjectId from this node's clock, first), whatever server is behind the driver.
 */
final class MessageBson {
    /**
     * The bytes of a document around its strings (lengths, type bytes, field names, the date, the seq, the ObjectId):
     * 171 at most, and an attachment adds 8 or 9. With the strings' lengths added, ASCII text fits the first buffer;
     * other text may double it once.
     */
    private static final int FRAME_BYTES = 192;
    private static final int BYTES_PER_ATTACHMENT = 16;

    private MessageBson() {
    }

    /** The message as {@link MongoMessageStore#document} would store it, with a new ObjectId as its {@code _id}. */
    static RawBsonDocument document(ChatMessage message, String clientKey) {
        return document(message, clientKey, new ObjectId());
    }

    /** As above with the {@code _id} given, so that a test can set it beside the driver's encoding of a Document. */
    static RawBsonDocument document(ChatMessage message, String clientKey, ObjectId id) {
        BasicOutputBuffer buffer = new BasicOutputBuffer(estimatedSize(message, clientKey));
        BsonBinaryWriter writer = new BsonBinaryWriter(buffer);
        writer.writeStartDocument();
        writer.writeObjectId("_id", id);
        writer.writeString("id", message.id().value());
        writer.writeString("room_id", message.roomId().value());
        writer.writeString("user_id", message.userId().value());
        writer.writeString("username", message.username());
        writer.writeString("content", message.content());
        writer.writeDateTime("timestamp", Documents.epochMillis(message.timestamp()));
        writer.writeStartArray("attachments");
        for (String attachment : message.attachments()) {
            writer.writeString(attachment);
        }
        writer.writeEndArray();
        writer.writeInt64("seq", message.seq());
        if (clientKey != null) {
            // A Document writes a null value as BSON null; the store never has a client key without a client id.
            if (message.clientId() == null) {
                writer.writeNull("client_id");
            } else {
                writer.writeString("client_id", message.clientId());
            }
            writer.writeString("client_key", clientKey);
        }
        writer.writeEndDocument();
        // No copy: the document keeps the buffer it was written into, sized to a little more than ASCII text needs.
        return new RawBsonDocument(buffer.getInternalBuffer(), 0, buffer.getPosition());
    }

    private static int estimatedSize(ChatMessage message, String clientKey) {
        List<String> attachments = message.attachments();
        int size = FRAME_BYTES + message.id().value().length() + message.roomId().value().length()
                + message.userId().value().length() + message.username().length() + message.content().length()
                + attachments.size() * BYTES_PER_ATTACHMENT;
        for (String attachment : attachments) {
            size += attachment.length();
        }
        if (clientKey != null) {
            size += clientKey.length() + (message.clientId() == null ? 0 : message.clientId().length());
        }
        return size;
    }
}
