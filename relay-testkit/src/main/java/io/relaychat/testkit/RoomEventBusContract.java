package io.relaychat.testkit;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomEvent.Typing;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomEventBus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link RoomEventBus} must do between nodes: a node subscribed to a room hears what the other
 * nodes publish there, in each publisher's order, through the core's {@link ClusterEvents}; it never hears
 * its own publications, nor rooms it is not (or no longer) subscribed to. Extend it with buses of distinct
 * nodes that share one medium (one in-process network, one Redis), and say how a bus is handed its core.
 */
public abstract class RoomEventBusContract {
    private final RoomId room = new RoomId(newId());
    private final RoomId marker = new RoomId(newId());
    private RoomEventBus first;
    private RoomEventBus second;
    private List<RoomEvent> heardByFirst;
    private List<RoomEvent> heardBySecond;

    /** Buses of {@code count} distinct nodes sharing one medium, freshly created for this test. */
    protected abstract List<RoomEventBus> newNodes(int count);

    /** Hands {@code core} to {@code bus}, as the server does once the core is built (e.g. the adapter's {@code attach}). */
    protected abstract void attach(RoomEventBus bus, ClusterEvents core);

    @BeforeEach
    void createNodes() {
        List<RoomEventBus> nodes = newNodes(2);
        first = nodes.get(0);
        second = nodes.get(1);
        heardByFirst = attachRecorder(first);
        heardBySecond = attachRecorder(second);
    }

    private List<RoomEvent> attachRecorder(RoomEventBus bus) {
        RecordingClusterEvents core = new RecordingClusterEvents();
        attach(bus, core);
        return core.published();
    }

    private static Typing typingIn(RoomId roomId, String who) {
        return new Typing(roomId, new UserId(newId()), who);
    }

    /** Publishes a marker on a room the hearing node is subscribed to and waits for it: whatever came before has arrived. */
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
        RoomEvent.MemberLeft left = new RoomEvent.MemberLeft(room, new UserId(newId()));

        result(first.publish(posted));
        result(first.publish(presence));
        result(first.publish(joined));
        result(first.publish(left));

        Await.until("all four events arrive", () -> heardBySecond.size() == 4);
        assertEquals(List.of(posted, presence, joined, left), heardBySecond);
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
