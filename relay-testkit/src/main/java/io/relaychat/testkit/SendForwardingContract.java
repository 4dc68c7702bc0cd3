package io.relaychat.testkit;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.out.SendForwarding;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every {@link SendForwarding} must do: a node alone stores every room itself; nodes sharing one medium
 * come to agree on one storing node per room, so a room not stored here is stored by a node a send can be
 * forwarded to; a forwarded send reaches the storing node's core ({@link ClusterEvents#forwarded}) and its
 * answer comes back as it was: the stored message, the duplicate flag, {@link StorageUnavailableException}
 * when that node's store was unavailable, and another exception when that node does not answer or is gone
 * (the sender then stores the send itself). When a node is gone, its rooms pass to the live ones.
 * <p>
 * Extend it with nodes that share one medium (one Redis, say). Forwarding that never divides the rooms
 * ({@link SendForwarding#NONE}: every node stores what its clients send) passes the tests of a node alone;
 * the others need a second node to forward to and are skipped for it, saying so.
 */
public abstract class SendForwardingContract {
    /** Enough rooms that every node of a few gets a share of them whatever the hashing. */
    protected static final List<RoomId> ROOMS = IntStream.range(0, 200).mapToObj(i -> new RoomId("room-" + newId())).toList();

    /**
     * The forwarding of {@code count} distinct, freshly started nodes sharing one medium. Asked for more than
     * one node only when {@link #dividesRooms()}.
     */
    protected abstract List<SendForwarding> newNodes(int count);

    /** Hands {@code core} to the node of {@code node}, as the server does once the core is built. */
    protected abstract void attach(SendForwarding node, ClusterEvents core);

    /** Stops the node of {@code node} without a goodbye, as a killed process would. Only when {@link #dividesRooms()}. */
    protected abstract void abandon(SendForwarding node);

    /** False for forwarding under which every node stores every room itself, and so never forwards. */
    protected abstract boolean dividesRooms();

    /** Started nodes, each attached to a core of its own that records what it is told. */
    protected record Node(SendForwarding forwarding, RecordingClusterEvents core) {
        public boolean storesHere(RoomId room) {
            return forwarding.storesHere(room);
        }
    }

    protected final List<Node> startNodes(int count) {
        List<Node> nodes = new ArrayList<>();
        for (SendForwarding forwarding : newNodes(count)) {
            RecordingClusterEvents core = new RecordingClusterEvents();
            attach(forwarding, core);
            nodes.add(new Node(forwarding, core));
        }
        return nodes;
    }

    /** Starts nodes and waits until they agree on one storing node for every room. */
    protected final List<Node> startAgreeingNodes(int count) {
        assumeTrue(dividesRooms(), "only forwarding that divides rooms among nodes has a second node to forward "
                + "to; under this one every node stores every room itself and never forwards");
        List<Node> nodes = startNodes(count);
        Await.until("the " + count + " nodes agree on one storing node per room", () -> agreeOnEveryRoom(nodes));
        return nodes;
    }

    protected static boolean agreeOnEveryRoom(List<Node> nodes) {
        return ROOMS.stream().allMatch(room -> nodes.stream().filter(node -> node.storesHere(room)).count() == 1);
    }

    protected static RoomId aRoomStoredBy(Node node) {
        return ROOMS.stream().filter(node::storesHere).findFirst().orElseThrow(
                () -> new AssertionError("the node stores none of " + ROOMS.size() + " rooms"));
    }

    protected static long roomsStoredBy(Node node) {
        return ROOMS.stream().filter(node::storesHere).count();
    }

    @Test
    void aNodeAloneStoresEveryRoomItself() {
        Node alone = startNodes(1).get(0);

        Await.until("the node stores every room", () -> roomsStoredBy(alone) == ROOMS.size());
        assertEquals(List.of(), alone.core().forwarded(), "nothing was handed to it");
    }

    @Test
    void nodesSharingOneMediumAgreeOnOneStoringNodePerRoomAndEachStoresAShare() {
        List<Node> nodes = startAgreeingNodes(3);

        for (Node node : nodes) {
            assertTrue(roomsStoredBy(node) > 0, "a live node stores none of " + ROOMS.size() + " rooms");
        }
    }

    @Test
    void aSendForwardedFromAnyOtherNodeIsStoredByTheRoomsNodeAndItsAnswerComesBack() {
        List<Node> nodes = startAgreeingNodes(3);
        List<NewMessage> sent = new ArrayList<>();

        for (RoomId room : ROOMS.subList(0, 20)) {
            for (Node from : nodes) {
                if (!from.storesHere(room)) {
                    NewMessage send = aMessage().in(room).saying("from another node").build();
                    sent.add(send);

                    assertEquals(new Appended(send.withSeq(1), false), result(from.forwarding().forward(send)));
                }
            }
        }

        for (Node node : nodes) {
            List<NewMessage> expected = sent.stream().filter(send -> node.storesHere(send.roomId())).toList();
            assertEquals(expected, node.core().forwarded(), "a node stores the sends of its own rooms, and only those");
        }
    }

    @Test
    void aDuplicateIsAnsweredAsADuplicateOfTheEarlierMessage() {
        List<Node> nodes = startAgreeingNodes(2);
        Node storing = nodes.get(1);
        NewMessage earlier = aMessage().in(aRoomStoredBy(storing)).withClientId("c-1").build();
        storing.core().storingWith(send -> CompletableFuture.completedFuture(new Appended(earlier.withSeq(7), true)));

        Appended answer = result(nodes.get(0).forwarding().forward(
                aMessage().in(earlier.roomId()).withClientId("c-1").build()));

        assertEquals(new Appended(earlier.withSeq(7), true), answer);
    }

    @Test
    void aStoringNodeWhoseStoreIsUnavailableAnswersStorageUnavailable() {
        List<Node> nodes = startAgreeingNodes(2);
        Node storing = nodes.get(1);
        storing.core().storingWith(send -> CompletableFuture.failedFuture(new StorageUnavailableException("store down")));

        Throwable answer = failure(nodes.get(0).forwarding().forward(aMessage().in(aRoomStoredBy(storing)).build()));

        assertTrue(answer instanceof StorageUnavailableException, "answered " + answer);
    }

    @Test
    void aStoringNodeThatDoesNotAnswerFailsTheSendWithAnotherFault() {
        List<Node> nodes = startAgreeingNodes(2);
        Node storing = nodes.get(1);
        storing.core().storingWith(send -> new CompletableFuture<>());

        Throwable answer = failure(nodes.get(0).forwarding().forward(aMessage().in(aRoomStoredBy(storing)).build()));

        assertFalse(answer instanceof StorageUnavailableException, "not a store failure: the sender stores it itself");
        assertEquals(1, storing.core().forwarded().size(), "the send reached the storing node");
    }

    @Test
    void aSendForAStoringNodeThatIsGoneFailsWithAnotherFault() {
        List<Node> nodes = startAgreeingNodes(2);
        Node gone = nodes.get(1);
        RoomId room = aRoomStoredBy(gone);
        abandon(gone.forwarding());

        Throwable answer = failure(nodes.get(0).forwarding().forward(aMessage().in(room).build()));

        assertFalse(answer instanceof StorageUnavailableException, "not a store failure: the sender stores it itself");
        assertEquals(List.of(), gone.core().forwarded());
    }

    @Test
    void theRoomsOfANodeThatIsGonePassToTheLiveNodes() {
        List<Node> nodes = startAgreeingNodes(3);
        abandon(nodes.get(2).forwarding());
        List<Node> live = nodes.subList(0, 2);

        Await.until("the live nodes agree on one of them for every room", () -> agreeOnEveryRoom(live));
    }
}
