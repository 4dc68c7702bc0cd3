package io.relaychat.benchmarks.mongo;

import com.mongodb.MongoClientSettings;
import io.relaychat.adapter.mongo.BenchmarkDocuments;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import org.bson.BsonBinaryWriter;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.bson.types.ObjectId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one stored message costs to become the bytes of an insert, the MongoDB store's part of every append: built
 * as a {@code Document} and encoded by the driver's codec registry, as the store did (the codec looks up a codec for
 * each field's value, and the driver adds the {@code _id}), against written straight as BSON by {@code MessageBson}
 * and copied into the insert as the driver copies a {@code RawBsonDocument}. One operation is one message, with a
 * client id (as every send from the web client has) and the chat-sized content of the load tests.
 * <pre>
 * java -jar relay-benchmarks/target/relay-benchmarks.jar MessageDocumentBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MessageDocumentBenchmark {
    private static final EncoderContext INSERT = EncoderContext.builder().isEncodingCollectibleDocument(true).build();

    private final Codec<Document> documents = MongoClientSettings.getDefaultCodecRegistry().get(Document.class);
    private final Codec<RawBsonDocument> raw = MongoClientSettings.getDefaultCodecRegistry().get(RawBsonDocument.class);
    private ChatMessage message;
    private String clientKey;

    @Setup
    public void message() {
        message = new ChatMessage(new MessageId("6f1c2a4e-8b3d-4f5a-9c7e-1d2b3a4c5e6f"), new RoomId("room-0042"), new UserId("user-00017"), "user-00017",
                "load test message 123456 with some chat-sized text in it", Instant.now(), List.of(), 123_456L,
                "c-7f3a9e2b-0001");
        clientKey = message.userId().value() + "/" + message.clientId();
    }

    /** The way the store did it: a {@code Document}, its {@code _id} added as the driver adds it, encoded. */
    @Benchmark
    public int document() {
        Document document = BenchmarkDocuments.document(message, clientKey);
        document.put("_id", new ObjectId());
        BasicOutputBuffer insert = new BasicOutputBuffer(256);
        documents.encode(new BsonBinaryWriter(insert), document, INSERT);
        return insert.getPosition();
    }

    /** The way it does now: the bytes written once, then copied into the insert. */
    @Benchmark
    public int bytes() {
        RawBsonDocument document = BenchmarkDocuments.bytes(message, clientKey);
        BasicOutputBuffer insert = new BasicOutputBuffer(256);
        raw.encode(new BsonBinaryWriter(insert), document, INSERT);
        return insert.getPosition();
    }
}
