package io.relaychat.adapter.mongo;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Passes what other nodes tell this one on to the core, and first tells the MongoDB message store the seq of
 * every message another node published: the store guesses a room's next seq, and a guess that is behind costs
 * an insert lost to the unique index. Only MongoDB guesses, so the hint lives here and not in the port every
 * store implements.
 */
final class SeqHints implements ClusterEvents {
    private final MongoMessageStore messages;
    private final ClusterEvents core;

    SeqHints(MongoMessageStore messages, ClusterEvents core) {
        this.messages = messages;
        this.core = core;
    }

    @Override
    public void published(RoomEvent event) {
        if (event instanceof RoomEvent.MessagePosted posted) {
            messages.storedElsewhere(posted.roomId(), posted.message().seq());
        }
        core.published(event);
    }

    @Override
    public void busResumed() {
        core.busResumed();
    }

    @Override
    public void roomsResumed(Set<RoomId> rooms) {
        core.roomsResumed(rooms);
    }

    @Override
    public CompletionStage<Appended> forwarded(NewMessage message) {
        return core.forwarded(message);
    }

    @Override
    public void presenceExpired(RoomId roomId, Map<UserId, String> online) {
        core.presenceExpired(roomId, online);
    }
}
