package io.relaychat.adapter.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoServerUnavailableException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.StorageUnavailableException;

import java.util.concurrent.CompletionException;

/**
 * What MongoDB's failures mean to the core. "Cannot reach it now" (no server, time-outs, elections) and "cannot
 * confirm the write as durable" (a write-concern error: the write may well have been applied, but not by enough
 * nodes, or not in time) become {@link StorageUnavailableException}, which clients see as 503 or an error frame
 * and can retry; a retried send is then found by its client key. Anything else is a fault and passes through as
 * it is.
 */
final class MongoFailures {
    static final int DUPLICATE_KEY = 11000;

    private MongoFailures() {
    }

    static Throwable translate(Throwable error) {
        Throwable cause = Failures.cause(error);
        if (cause instanceof MongoTimeoutException || cause instanceof MongoSocketException
                || cause instanceof MongoServerUnavailableException || cause instanceof MongoNotPrimaryException
                || cause instanceof MongoNodeIsRecoveringException || cause instanceof MongoExecutionTimeoutException
                || cause instanceof MongoWriteConcernException) {
            return new StorageUnavailableException("MongoDB unavailable: " + cause.getMessage(), cause);
        }
        if (cause instanceof MongoBulkWriteException bulk && bulk.getWriteConcernError() != null) {
            return new StorageUnavailableException("MongoDB could not confirm the write: "
                    + bulk.getWriteConcernError().getMessage(), cause);
        }
        if (cause instanceof MongoException mongo && mongo.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)) {
            return new StorageUnavailableException("MongoDB unavailable: " + cause.getMessage(), cause);
        }
        return cause;
    }

    /**
     * True when the write failed its write concern, whatever else it says: what it wrote (if anything) is not
     * known to be durable, so none of it may be confirmed, even the documents before a refused one.
     */
    static boolean isWriteConcernFailure(Throwable error) {
        Throwable cause = Failures.cause(error);
        return cause instanceof MongoWriteConcernException
                || cause instanceof MongoBulkWriteException bulk && bulk.getWriteConcernError() != null;
    }

    /** True for an insert or upsert refused by a unique index (for an ordered insert of several: the first refused). */
    static boolean isDuplicateKey(Throwable error) {
        Throwable cause = Failures.cause(error);
        if (cause instanceof MongoWriteException write) {
            return write.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        }
        if (cause instanceof MongoBulkWriteException bulk) {
            return !bulk.getWriteErrors().isEmpty()
                    && ErrorCategory.fromErrorCode(bulk.getWriteErrors().get(0).getCode()) == ErrorCategory.DUPLICATE_KEY;
        }
        return cause instanceof MongoCommandException command && command.getErrorCode() == DUPLICATE_KEY;
    }

    /**
     * Where an ordered insert stopped: the position of the first document refused, every one before it stored; -1
     * when the failure names none (the connection broke, say), and none is known to be stored.
     */
    static int refusedAt(Throwable error) {
        Throwable cause = Failures.cause(error);
        if (cause instanceof MongoBulkWriteException bulk && !bulk.getWriteErrors().isEmpty()) {
            return bulk.getWriteErrors().get(0).getIndex();
        }
        return -1;
    }

    /** Whether a duplicate-key failure was raised by the named index. */
    static boolean isDuplicateOn(Throwable error, String indexName) {
        Throwable cause = Failures.cause(error);
        return isDuplicateKey(cause) && String.valueOf(cause.getMessage()).contains(indexName);
    }

    /** For rethrowing inside a completion stage: the failure, unwrapped and translated, ready to throw. */
    static CompletionException rethrow(Throwable error) {
        return new CompletionException(translate(error));
    }
}
