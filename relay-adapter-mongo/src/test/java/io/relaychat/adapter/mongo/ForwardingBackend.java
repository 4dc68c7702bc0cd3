package io.relaychat.adapter.mongo;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;

import java.time.Clock;
import java.util.Collection;
import java.util.List;

/**
 * The in-process server's memory backend, passed every call as it is: what a test backend that adds what the
 * in-process server cannot do by itself (write-concern errors, parts of the index catalogue) starts from,
 * overriding only the calls it changes.
 */
abstract class ForwardingBackend implements MongoBackend {
    protected final MongoBackend memory = new MemoryBackend();

    @Override
    public Document handleMessage(MongoMessage message) {
        return memory.handleMessage(message);
    }

    @Override
    public void handleClose(Channel channel) {
        memory.handleClose(channel);
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        return memory.handleCommand(channel, database, command, query);
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        return memory.handleQuery(query);
    }

    @Override
    public void dropDatabase(String database) {
        memory.dropDatabase(database);
    }

    @Override
    public Collection<Document> getCurrentOperations(MongoQuery query) {
        return memory.getCurrentOperations(query);
    }

    @Override
    public Document getServerStatus() {
        return memory.getServerStatus();
    }

    @Override
    public void close() {
        memory.close();
    }

    @Override
    public void closeCursors(List<Long> cursorIds) {
        memory.closeCursors(cursorIds);
    }

    @Override
    public Clock getClock() {
        return memory.getClock();
    }

    @Override
    public void enableOplog() {
        memory.enableOplog();
    }

    @Override
    public void disableOplog() {
        memory.disableOplog();
    }

    @Override
    public MongoDatabase resolveDatabase(String database) {
        return memory.resolveDatabase(database);
    }

    @Override
    public MongoBackend version(MongoVersion version) {
        memory.version(version);
        return this;
    }
}
