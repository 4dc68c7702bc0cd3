package io.relaychat.adapter.mongo;

import io.relaychat.ports.model.ChatMessage;
import org.bson.Document;
import org.bson.RawBsonDocument;

/**
 * For {@code io.relaychat.benchmarks.mongo.MessageDocumentBenchmark} only: the two ways the MongoDB store has built a
 * message document, package-private in the adapter, passed straight through from this class, compiled into
 * relay-benchmarks in the adapter's package (the benchmarks themselves live in {@code io.relaychat.benchmarks..}, as
 * the architecture rules say). No JMH and no logic of its own.
 */
public final class BenchmarkDocuments {
    private BenchmarkDocuments() {
    }

    /** {@link MongoMessageStore#document}: the {@code Document} the driver encodes field by field. */
    public static Document document(ChatMessage message, String clientKey) {
        return MongoMessageStore.document(message, clientKey);
    }

    /** {@link MessageBson#document}: the bytes the driver copies as they are. */
    public static RawBsonDocument bytes(ChatMessage message, String clientKey) {
        return MessageBson.document(message, clientKey);
    }
}
