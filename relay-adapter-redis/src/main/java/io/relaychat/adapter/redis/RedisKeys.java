package io.relaychat.adapter.redis;

import io.relaychat.ports.model.RoomId;

/**
 * Where the adapter keeps things on Redis: every key and channel name, laid out for Redis Cluster. The braces are
 * hash tags: Redis Cluster places a name by the part inside them only, so
 * <ul>
 *   <li>a room's channel and its presence hash share a slot (the room's events and its presence live on one shard);</li>
 *   <li>the roster and every node's liveness key share one slot, so that one script can ask after several nodes;</li>
 *   <li>a node's inbox is placed by the node alone.</li>
 * </ul>
 * No command or script of the adapter names keys of two slots, which Redis Cluster would refuse (CROSSSLOT). On a
 * single server the braces are only characters.
 */
final class RedisKeys {
    static final String ROOM_CHANNEL_PREFIX = "relay:room:";
    static final String PRESENCE_PREFIX = "relay:presence:";
    static final String INBOX_PREFIX = "relay:inbox:";
    /** The sorted set of every node that has been alive lately (see {@link NodeRoster}). */
    static final String ROSTER = "relay:{nodes}";
    static final String NODE_PREFIX = "relay:{nodes}:node:";

    private RedisKeys() {
    }

    static String roomChannel(RoomId roomId) {
        return ROOM_CHANNEL_PREFIX + tagged(roomId.value());
    }

    static String presence(RoomId roomId) {
        return PRESENCE_PREFIX + tagged(roomId.value());
    }

    static String inbox(String nodeId) {
        return INBOX_PREFIX + tagged(nodeId);
    }

    /** A node's liveness key: it lives while the node sends heartbeats. */
    static String node(String nodeId) {
        return NODE_PREFIX + nodeId;
    }

    private static String tagged(String id) {
        return "{" + id + "}";
    }
}
