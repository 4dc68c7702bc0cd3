package io.relaychat.adapter.mongo;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-process server's memory backend, with the part of MongoDB's index catalogue it lacks for the history TTL:
 * it ignores non-unique indexes and knows no {@code collMod}. Here the TTL index of the messages is kept as MongoDB
 * keeps it (listed with its {@code expireAfterSeconds}, refused when created again with another value, changed by
 * {@code collMod}, dropped by {@code dropIndexes}), and every index command is recorded by name. Nothing expires:
 * a test deletes what the TTL monitor would.
 */
final class IndexCatalogueBackend extends ForwardingBackend {
    /** Per database, the TTL index of the messages as created. */
    private final Map<String, Document> ttlIndexes = new ConcurrentHashMap<>();
    private final List<String> indexCommands = new CopyOnWriteArrayList<>();

    /** The index commands on the TTL index since the last call, e.g. {@code createIndexes}, {@code collMod}. */
    List<String> ttlIndexCommands() {
        List<String> seen = List.copyOf(indexCommands);
        indexCommands.removeAll(seen);
        return seen;
    }

    /** The TTL index of a database's messages as MongoDB would list it, or null. */
    Document ttlIndex(String database) {
        return ttlIndexes.get(database);
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        Document command = message.getDocument();
        String name = command.keySet().iterator().next();
        String database = String.valueOf(command.get("$db"));
        boolean messages = MongoMessageStore.COLLECTION.equals(command.get(name));
        if (messages && name.equals("createIndexes")) {
            Document ttl = ttlIndexIn(command);
            if (ttl != null) {
                indexCommands.add(name);
                Document known = ttlIndexes.get(database);
                if (known != null && !known.get("expireAfterSeconds").equals(ttl.get("expireAfterSeconds"))) {
                    return error(85, "IndexOptionsConflict", "An equivalent index already exists with a different option");
                }
                ttlIndexes.put(database, ttl);
                return new Document("ok", 1.0);
            }
        }
        if (messages && name.equals("collMod") && command.get("index") instanceof Document index) {
            indexCommands.add(name);
            Document known = ttlIndexes.get(database);
            if (known == null || !HistoryTtl.INDEX.equals(index.get("name"))) {
                return error(27, "IndexNotFound", "cannot find index");
            }
            known.put("expireAfterSeconds", index.get("expireAfterSeconds"));
            return new Document("ok", 1.0);
        }
        if (messages && name.equals("dropIndexes") && HistoryTtl.INDEX.equals(command.get("index"))) {
            indexCommands.add(name);
            return ttlIndexes.remove(database) == null ? error(27, "IndexNotFound", "index not found")
                    : new Document("ok", 1.0);
        }
        Document reply = memory.handleMessage(message);
        if (messages && name.equals("listIndexes") && ttlIndexes.containsKey(database)
                && reply.get("cursor") instanceof Document cursor && cursor.get("firstBatch") instanceof List<?> batch) {
            List<Object> listed = new ArrayList<>(batch);
            listed.add(ttlIndexes.get(database).clone());
            cursor.put("firstBatch", listed);
        }
        return reply;
    }

    private static Document ttlIndexIn(Document command) {
        if (command.get("indexes") instanceof List<?> indexes) {
            for (Object index : indexes) {
                if (index instanceof Document spec && HistoryTtl.INDEX.equals(spec.get("name"))) {
                    return spec.clone();
                }
            }
        }
        return null;
    }

    private static Document error(int code, String codeName, String message) {
        return new Document("ok", 0.0).append("code", code).append("codeName", codeName).append("errmsg", message);
    }
}
