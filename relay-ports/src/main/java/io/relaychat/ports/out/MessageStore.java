package io.relaychat.ports.out;

import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** A room's messages in seq order. */
public interface MessageStore {

    /**
     * Stores the message with the room's next seq (1, 2, 3, ... never reused, also across server
     * nodes sharing the store). When the same user already stored a message with the same client id,
     * or a message with the same id is stored (a send handed to another node that then stored it here too),
     * nothing is stored and that earlier message is returned with {@code duplicate} set.
     * Completes only once the message is durable as far as this store goes.
     */
    CompletionStage<Appended> append(NewMessage message);

    /** The newest {@code limit} messages before the cursors (either may be null), oldest first. */
    CompletionStage<List<ChatMessage>> history(RoomId roomId, int limit, Instant before, Long beforeSeq);

    /** Messages with seq greater than {@code afterSeq}, ascending, at most {@code limit}. */
    CompletionStage<List<ChatMessage>> since(RoomId roomId, long afterSeq, int limit);
}
