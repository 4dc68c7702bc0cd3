package io.relaychat.testkit;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for the core on the receiving end of a cluster adapter: it keeps everything it is told, so a
 * test can wait for it and look, and answers forwarded sends the way the test asks (by default as
 * stored with seq 1).
 */
public final class RecordingClusterEvents implements ClusterEvents {
    /** A room's online users after presence removed a vanished node's connections from it. */
    public record Expiry(RoomId roomId, Map<UserId, String> online) {
    }

    private final List<RoomEvent> published = new CopyOnWriteArrayList<>();
    private final List<NewMessage> forwarded = new CopyOnWriteArrayList<>();
    private final List<Expiry> expiries = new CopyOnWriteArrayList<>();
    private final AtomicInteger resumed = new AtomicInteger();
    private final List<RoomId> resumedRooms = new CopyOnWriteArrayList<>();
    private volatile Function<NewMessage, CompletionStage<Appended>> storing =
            message -> CompletableFuture.completedFuture(new Appended(message.withSeq(1), false));

    /** How forwarded sends are answered from now on. */
    public RecordingClusterEvents storingWith(Function<NewMessage, CompletionStage<Appended>> value) {
        this.storing = value;
        return this;
    }

    @Override
    public void published(RoomEvent event) {
        published.add(event);
    }

    @Override
    public void busResumed() {
        resumed.incrementAndGet();
    }

    @Override
    public void roomsResumed(Set<RoomId> rooms) {
        resumedRooms.addAll(rooms);
    }

    @Override
    public CompletionStage<Appended> forwarded(NewMessage message) {
        forwarded.add(message);
        return storing.apply(message);
    }

    @Override
    public void presenceExpired(RoomId roomId, Map<UserId, String> online) {
        expiries.add(new Expiry(roomId, online));
    }

    /** The events heard, in arrival order; a live view. */
    public List<RoomEvent> published() {
        return published;
    }

    /** The sends handed to this node to store, in arrival order; a live view. */
    public List<NewMessage> forwarded() {
        return forwarded;
    }

    /** The presence expiries told, in order; a live view. */
    public List<Expiry> expiries() {
        return expiries;
    }

    /** The rooms the bus said it heard again after missing them alone, in order; a live view. */
    public List<RoomId> resumedRooms() {
        return resumedRooms;
    }

    /** How many times the bus said it resumed. */
    public int resumedCount() {
        return resumed.get();
    }
}
