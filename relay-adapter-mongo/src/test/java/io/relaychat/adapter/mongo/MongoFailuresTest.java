package io.relaychat.adapter.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.ServerAddress;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.WriteConcernError;
import io.relaychat.ports.model.StorageUnavailableException;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the driver's failures mean to the core, for the shapes the in-process server cannot produce (a
 * write-concern error beside a refused document, a socket torn mid-reply).
 */
class MongoFailuresTest {
    private static final ServerAddress SERVER = new ServerAddress("db.example", 27017);
    private static final WriteConcernError TIMED_OUT = new WriteConcernError(64, "WriteConcernFailed",
            "waiting for replication timed out", BsonDocument.parse("{wtimeout: true}"));
    private static final BulkWriteError DUPLICATE = new BulkWriteError(MongoFailures.DUPLICATE_KEY,
            "E11000 duplicate key error index: messages_room_seq_unique", new BsonDocument(), 1);

    @Test
    void aWriteConcernErrorOfOneWriteIsStorageUnavailable() {
        MongoWriteConcernException error = new MongoWriteConcernException(TIMED_OUT, null, SERVER, Set.of());

        assertInstanceOf(StorageUnavailableException.class, MongoFailures.translate(error));
        assertTrue(MongoFailures.isWriteConcernFailure(error));
    }

    @Test
    void aWriteConcernErrorInABulkResultIsStorageUnavailable() {
        MongoBulkWriteException error = bulk(List.of(), TIMED_OUT);

        Throwable translated = MongoFailures.translate(new CompletionException(error));

        assertInstanceOf(StorageUnavailableException.class, translated);
        assertSame(error, translated.getCause());
        assertTrue(MongoFailures.isWriteConcernFailure(error));
    }

    @Test
    void aWriteConcernErrorBesideADuplicateKeyIsStillAWriteConcernFailure() {
        MongoBulkWriteException error = bulk(List.of(DUPLICATE), TIMED_OUT);

        assertTrue(MongoFailures.isWriteConcernFailure(error), "the documents before the refused one are not durable");
        assertInstanceOf(StorageUnavailableException.class, MongoFailures.translate(error));
    }

    @Test
    void aDuplicateKeyAloneIsNoWriteConcernFailureAndStaysWhatItIs() {
        MongoBulkWriteException error = bulk(List.of(DUPLICATE), null);

        assertFalse(MongoFailures.isWriteConcernFailure(error));
        assertTrue(MongoFailures.isDuplicateKey(error));
        assertSame(error, MongoFailures.translate(error));
    }

    @Test
    void aConnectionLostMidReplyIsStorageUnavailable() {
        assertInstanceOf(StorageUnavailableException.class,
                MongoFailures.translate(new MongoSocketReadException("Prematurely reached end of stream", SERVER)));
    }

    private static MongoBulkWriteException bulk(List<BulkWriteError> errors, WriteConcernError concern) {
        return new MongoBulkWriteException(BulkWriteResult.acknowledged(1, 0, 0, 0, List.of(), List.of()), errors,
                concern, SERVER, Set.of());
    }
}
