package io.relaychat.adapter.mongo;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoDatabase;
import com.mongodb.reactivestreams.client.gridfs.GridFSBuckets;
import io.relaychat.ports.out.BlobSink;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What GridFS keeps of an upload given up on half way: nothing, not even the chunks already written. */
@IntegrationTest
class GridFsBlobStoreTest {
    private static InProcessMongo mongo;
    private static MongoClient client;

    @BeforeAll
    static void start() {
        mongo = new InProcessMongo();
        client = mongo.client();
    }

    @AfterAll
    static void stop() {
        mongo.close();
    }

    @Test
    void anUploadGivenUpOnAfterSomeChunksLeavesNoChunkAndNoFile() {
        MongoDatabase database = client.getDatabase("test_" + UUID.randomUUID().toString().replace("-", ""));
        GridFsBlobStore store = new GridFsBlobStore(GridFSBuckets.create(database, GridFsBlobStore.BUCKET));
        BlobSink sink = result(store.create("cut.bin", "application/octet-stream"));
        for (int i = 0; i < 12; i++) {
            result(sink.write(ByteBuffer.wrap(new byte[64 * 1024])));
        }
        Await.until("some chunks are written", Duration.ofSeconds(10), () -> chunks(database) > 0);

        sink.abort();

        Await.until("the chunks written are deleted", Duration.ofSeconds(10), () -> chunks(database) == 0);
        assertEquals(0L, count(database, GridFsBlobStore.BUCKET + ".files"));
        assertTrue(result(store.open("cut.bin")).isEmpty());
    }

    private static long chunks(MongoDatabase database) {
        return count(database, GridFsBlobStore.BUCKET + ".chunks");
    }

    private static long count(MongoDatabase database, String collection) {
        return result(Reactive.first(database.getCollection(collection).countDocuments(new Document())))
                .orElse(0L);
    }
}
