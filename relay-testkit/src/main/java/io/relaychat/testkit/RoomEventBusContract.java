package io.relaychat.testkit;

import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomEvent.Typing;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomEventBus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link RoomEventBus} must do between nodes. Extend it with buses of distinct nodes that
 * share one medium (one in-process network, one Redis).
 */
public abstract class RoomEventBusContract {
    private final RoomId room = new RoomId(newId());
    private final RoomId marker = new RoomId(newId());
    private RoomEventBus first;
    private RoomEventBus second;
    private final List<RoomEvent> heardByFirst = new CopyOnWriteArrayList<>();
    private final List<RoomEvent> heardBySecond = new CopyOnWriteArrayList<>();

    /** Buses of {@code count} distinct nodes sharing one medium, freshly created for this test. */
    protected abstract List<RoomEventBus> newNodes(int count);

    @BeforeEach
    void createNodes() {
        List<RoomEventBus> nodes = newNodes(2);
        first = nodes.get(0);
        second = nodes.get(1);
        first.listen(recordingInto(heardByFirst));
        second.listen(recordingInto(heardBySecond));
    }

    private static RoomEventBus.Listener recordingInto(List<RoomEvent> heard) {
        return new RoomEventBus.Listener() {
            @Override
            public void onEvent(RoomEvent event) {
                heard.add(event);
            }

            @Override
            public void onResumed() {
            }
        };
    }

    private static Typing typingIn(RoomId roomId, String who) {
        return new Typing(roomId, new UserId(newId()), who);
    }

    /** Publishes a marker on a room {@code listener} is subscribed to and waits for it: whatever came before has arrived. */
    private void flush(RoomEventBus publisher, List<RoomEvent> heard) {
        Typing flag = typingIn(marker, "marker-" + newId());
        result(publisher.publish(flag));
        Await.until("the marker arrives", () -> heard.contains(flag));
    }

    @Test
    void aSubscribedNodeHearsOtherNodesPublications() {
        result(second.subscribe(room));
        RoomEvent.MessagePosted posted = new RoomEvent.MessagePosted(aMessage().in(room).build().withSeq(1));
        RoomEvent.PresenceUpdate presence = new RoomEvent.PresenceUpdate(room, Map.of(new UserId(newId()), "alice"));
        RoomEvent.UserJoined joined = new RoomEvent.UserJoined(room, new UserId(newId()), "bob");

        result(first.publish(posted));
        result(first.publish(presence));
        result(first.publish(joined));

        Await.until("all three events arrive", () -> heardBySecond.size() == 3);
        assertEquals(List.of(posted, presence, joined), heardBySecond);
    }

    @Test
    void aNodeNeverHearsItsOwnPublications() {
        result(first.subscribe(room));
        result(first.subscribe(marker));
        result(second.subscribe(room));

        result(first.publish(typingIn(room, "alice")));
        Await.until("the other node hears it", () -> heardBySecond.size() == 1);
        result(second.subscribe(marker));
        flush(second, heardByFirst);

        assertTrue(heardByFirst.stream().noneMatch(event -> event.roomId().equals(room)), "own event came back");
    }

    @Test
    void onlySubscribedRoomsAreHeard() {
        result(second.subscribe(marker));

        result(first.publish(typingIn(room, "unheard")));
        flush(first, heardBySecond);

        assertTrue(heardBySecond.stream().noneMatch(event -> event.roomId().equals(room)));
    }

    @Test
    void afterUnsubscribeARoomIsNoLongerHeard() {
        result(second.subscribe(room));
        result(second.subscribe(marker));
        result(second.unsubscribe(room));

        result(first.publish(typingIn(room, "after")));
        flush(first, heardBySecond);

        assertTrue(heardBySecond.stream().noneMatch(event -> event.roomId().equals(room)));
    }

    @Test
    void onePublishersEventsArriveInPublicationOrder() {
        result(second.subscribe(room));
        List<RoomEvent> sent = IntStream.rangeClosed(1, 100)
                .mapToObj(seq -> (RoomEvent) new RoomEvent.MessagePosted(aMessage().in(room).build().withSeq(seq)))
                .toList();

        sent.forEach(event -> result(first.publish(event)));

        Await.until("all 100 arrive", () -> heardBySecond.size() == 100);
        assertEquals(sent, heardBySecond);
    }
}
