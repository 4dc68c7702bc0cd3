package io.relaychat.adapter.mongo;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-process server's memory backend, with what it cannot do about write concerns by itself: it records
 * the write concern every write asks for, and, while told to, answers writes the way a replica set whose
 * secondaries did not confirm them in time does: applied, and with a write-concern error in the reply.
 */
final class WriteConcernBackend extends ForwardingBackend {
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findAndModify");

    private final List<Document> asked = new CopyOnWriteArrayList<>();
    private volatile boolean failing;

    /** From now on every write is applied and answered with a write-concern error (wtimeout). */
    void failWriteConcerns() {
        failing = true;
    }

    void confirmWriteConcerns() {
        failing = false;
    }

    /** The write concern of each write since the last call, as sent (empty when the write named none: the server's). */
    List<Document> writeConcernsAsked() {
        List<Document> seen = List.copyOf(asked);
        asked.removeAll(seen);
        return seen;
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        Document reply = memory.handleMessage(message);
        Document command = message.getDocument();
        if (!WRITES.contains(command.keySet().iterator().next())) {
            return reply;
        }
        asked.add(command.get("writeConcern") instanceof Document concern ? concern : new Document());
        if (failing && reply.get("ok") instanceof Number ok && ok.intValue() == 1) {
            reply.put("writeConcernError", new Document("code", 64).append("codeName", "WriteConcernFailed")
                    .append("errmsg", "waiting for replication timed out")
                    .append("errInfo", new Document("wtimeout", true)));
        }
        return reply;
    }
}
