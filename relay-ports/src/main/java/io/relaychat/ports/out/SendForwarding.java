package io.relaychat.ports.out;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;

import java.util.concurrent.CompletionStage;

/**
 * Which node stores a room's messages, and the way a send gets there. Nodes that share a message store
 * and all store into one room race for its seqs (each seq goes to one insert, the others try again); one
 * node storing each room's messages does not race. The rooms are divided among the live nodes, and a send
 * that arrives on another node is handed to the one that stores its room, which receives it through the
 * core's {@link io.relaychat.ports.in.ClusterEvents#forwarded}.
 * <p>
 * Forwarding only avoids contention; seqs stay right without it. So whenever the storing node cannot be
 * reached, or does not answer, the node that took the send stores it itself.
 */
public interface SendForwarding {

    /** True when this node stores the room's messages itself. */
    boolean storesHere(RoomId roomId);

    /**
     * Hands the send to the node that stores its room; called only for rooms not stored here. Completes
     * with what that node stored; fails with {@link io.relaychat.ports.model.StorageUnavailableException}
     * when it could not store it, and with any other exception when the send may not have reached it (the
     * caller then stores it itself: a message that got there after all is found by its id and answered as
     * the duplicate it is).
     */
    CompletionStage<Appended> forward(NewMessage message);

    /** A single node, or nodes that do not divide the rooms: every node stores what its clients send. */
    SendForwarding NONE = new SendForwarding() {
        @Override
        public boolean storesHere(RoomId roomId) {
            return true;
        }

        @Override
        public CompletionStage<Appended> forward(NewMessage message) {
            throw new IllegalStateException("every room is stored here");
        }
    };
}
