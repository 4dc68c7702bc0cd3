package io.relaychat.adapter.mongo;

import com.mongodb.MongoClientSettings;
import io.relaychat.ports.model.ChatMessage;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.relaychat.testkit.Fixtures.aMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A message written as bytes is, byte for byte, what the driver sent for the {@link Document} the store built before:
 * the same fields, in the same order, of the same BSON types, with the ObjectId {@code _id} the driver added first.
 */
class MessageBsonTest {
    private static final Codec<Document> DRIVERS_DOCUMENT_CODEC =
            MongoClientSettings.getDefaultCodecRegistry().get(Document.class);

    @Test
    void aMessageWithAClientIdIsWrittenAsTheDriverWroteItsDocument() {
        ChatMessage message = aMessage().withClientId("c-1").withAttachments("/files/a.png", "/files/b.pdf")
                .build().withSeq(42);

        assertSameAsTheDriversDocument(message, clientKeyOf(message));
    }

    @Test
    void aMessageWithoutAClientIdIsWrittenWithoutTheClientFields() {
        ChatMessage message = aMessage().build().withSeq(1);

        RawBsonDocument written = assertSameAsTheDriversDocument(message, null);
        assertEquals(List.of("_id", "id", "room_id", "user_id", "username", "content", "timestamp", "attachments", "seq"),
                List.copyOf(written.keySet()));
    }

    /** Text beyond ASCII takes more bytes than the buffer was first sized for: it grows, and nothing is cut. */
    @Test
    void textBeyondAsciiAndALargeSeqAreWrittenWhole() {
        String content = "héllo wörld ✓ 🎉 ".repeat(200) + "\u0000 and a lone \uD800 surrogate";
        ChatMessage message = aMessage().saying(content).withClientId("ключ-🎉").withAttachments("/files/ü.png")
                .build().withSeq(Long.MAX_VALUE);

        RawBsonDocument written = assertSameAsTheDriversDocument(message, clientKeyOf(message));
        assertEquals(Long.MAX_VALUE, written.getInt64("seq").getValue());
    }

    @Test
    void aTimestampBeyondWhatABsonDateHoldsIsClampedAsTheDocumentWasAndSubMillisecondsDropped() {
        assertSameAsTheDriversDocument(aMessage().at(Instant.MAX).build().withSeq(1), null);
        assertSameAsTheDriversDocument(aMessage().at(Instant.MIN).build().withSeq(1), null);
        assertSameAsTheDriversDocument(aMessage().at(Instant.parse("1969-12-31T23:59:59.999999Z")).build().withSeq(1),
                null);
        assertSameAsTheDriversDocument(aMessage().at(Instant.parse("2025-05-01T10:00:00.123456Z")).build().withSeq(1),
                null);
    }

    @Test
    void eachMessageGetsAnObjectIdOfItsOwnFirst() {
        ChatMessage message = aMessage().build().withSeq(1);

        RawBsonDocument first = MessageBson.document(message, null);
        RawBsonDocument second = MessageBson.document(message, null);

        assertEquals("_id", first.getFirstKey());
        assertEquals(BsonType.OBJECT_ID, first.get("_id").getBsonType());
        assertNotEquals(first.getObjectId("_id"), second.getObjectId("_id"));
    }

    /**
     * Compares with what the driver did to the store's {@link Document}: added an ObjectId {@code _id} (as
     * {@code DocumentCodec.generateIdIfAbsentFromDocument} does, at the end of the map) and encoded it as a collectible
     * document, which writes {@code _id} first. Field names and types first, for a failure that says which one.
     */
    private static RawBsonDocument assertSameAsTheDriversDocument(ChatMessage message, String clientKey) {
        ObjectId id = new ObjectId();
        Document before = MongoMessageStore.document(message, clientKey);
        before.put("_id", id);
        BasicOutputBuffer encoded = new BasicOutputBuffer();
        DRIVERS_DOCUMENT_CODEC.encode(new BsonBinaryWriter(encoded), before,
                EncoderContext.builder().isEncodingCollectibleDocument(true).build());
        RawBsonDocument expected = new RawBsonDocument(encoded.toByteArray());

        RawBsonDocument written = MessageBson.document(message, clientKey, id);

        assertEquals(typesInOrder(expected), typesInOrder(written));
        assertEquals(expected, written);
        assertArrayEquals(bytes(expected), bytes(written));
        return written;
    }

    private static List<Map.Entry<String, BsonType>> typesInOrder(BsonDocument document) {
        return document.entrySet().stream().map(field -> Map.entry(field.getKey(), field.getValue().getBsonType()))
                .collect(Collectors.toList());
    }

    private static byte[] bytes(RawBsonDocument document) {
        return Arrays.copyOfRange(document.getBackingArray(), document.getByteOffset(),
                document.getByteOffset() + document.getByteLength());
    }

    private static String clientKeyOf(ChatMessage message) {
        return MongoMessageStore.clientKey(message.userId(), message.clientId());
    }
}
