package io.relaychat.domain;

import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomEvent.PresenceUpdate;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.RoomActivity;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.ports.out.SendForwarding;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static io.relaychat.domain.RealTimeRulesTest.failureOf;
import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules between nodes, with several cores in one JVM: delivery and order across nodes, sends handed to
 * the node that stores their room, messages the bus lost, a bus cut off and resumed, presence of a node that
 * vanished. The adapters that really link nodes are tested against the same ports in their own modules.
 */
class ClusterRulesTest {

    @Test
    void coresSharingAnEventBusDeliverAcrossNodesInOrder() {
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, SendForwarding.NONE);

        for (int i = 1; i <= 20; i++) {
            nodes.onSender().say(nodes.room(), "from A " + i);
        }

        nodes.onReceiver().events().awaitMessages(20);
        assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), nodes.onReceiver().events().seqs());
        assertEquals(nodes.onSender().events().messages(), nodes.onReceiver().events().messages());
    }

    @Test
    void sendsTakenByANodeThatDoesNotStoreTheRoomAreStoredByTheOneThatDoesAndArriveOnceInOrder() {
        HandOver handOver = new HandOver(null);
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, handOver);

        for (int i = 1; i <= 20; i++) {
            nodes.onSender().say(nodes.room(), "from A " + i);
        }

        nodes.onReceiver().events().awaitMessages(20);
        nodes.onSender().events().awaitMessages(20);
        assertEquals(20, handOver.forwarded.get());
        assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), nodes.onSender().events().seqs());
        assertEquals(nodes.onSender().events().messages(), nodes.onReceiver().events().messages());
        assertEquals(20, result(nodes.sender().messages.since(nodes.room().id(), 0, 100)).size());
    }

    @Test
    void aMessageIsToldAsRoomActivityByTheNodeThatStoredItAloneNotByTheNodesThatHeardIt() {
        HandOver handOver = new HandOver(null);
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, handOver);
        nodes.sender().activity.clear(); // the room's creation, told by the node that answered it

        for (int i = 1; i <= 5; i++) {
            nodes.onSender().say(nodes.room(), "from A " + i);
        }
        nodes.onReceiver().events().awaitMessages(5);
        nodes.onSender().events().awaitMessages(5);

        assertEquals(List.of(), nodes.sender().activity, "the node that took the sends and heard them back");
        assertEquals(nodes.onReceiver().events().messages(), nodes.receiver().activity.stream()
                .map(event -> ((RoomActivity.MessagePosted) event).message()).toList(), "once each, in seq order");
    }

    @Test
    void aSendStoredByTheStoringNodeWhoseAnswerWasLostIsToldOnceByThatNode() {
        HandOver handOver = HandOver.storingButLosingTheAnswer();
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, handOver);
        nodes.sender().activity.clear();

        nodes.onSender().say(nodes.room(), "stored there, answer lost");
        nodes.onReceiver().events().awaitMessages(1);

        assertEquals(List.of(), nodes.sender().activity, "its fallback found the message stored: nothing new");
        assertEquals(1, nodes.receiver().activity.size());
    }

    @Test
    void aSendTheStoringNodeDoesNotAnswerIsStoredByTheNodeThatTookIt() {
        HandOver handOver = new HandOver(new TimeoutException("no answer"));
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, handOver);

        nodes.onSender().say(nodes.room(), "still sent");

        nodes.onReceiver().events().awaitMessages(1);
        assertEquals(List.of("still sent"), nodes.onSender().events().contents());
        assertEquals(1, result(nodes.sender().messages.since(nodes.room().id(), 0, 100)).size());
    }

    @Test
    void aSendStoredByTheStoringNodeWhoseAnswerWasLostReachesTheSenderOnce() {
        HandOver handOver = HandOver.storingButLosingTheAnswer();
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, handOver);

        nodes.onSender().say(nodes.room(), "stored there, answer lost");
        nodes.onSender().say(nodes.room(), "stored there too");

        nodes.onReceiver().events().awaitMessages(2);
        assertEquals(List.of(1L, 2L), nodes.onSender().events().seqs(),
                "the storing node's publication and the sender's own fallback are one message");
        assertEquals(2, result(nodes.sender().messages.since(nodes.room().id(), 0, 100)).size());
    }

    @Test
    void aSendWhoseAnswerAndPublicationWereLostWithTheBusReachesTheSenderOnceThroughTheCatchUp() {
        HandOver handOver = HandOver.storingButLosingTheAnswer();
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, handOver);
        nodes.senderBus().cutOff();

        nodes.onSender().say(nodes.room(), "stored there while the bus went down");
        nodes.senderBus().resume();
        nodes.onSender().say(nodes.room(), "after the bus came back");

        nodes.onReceiver().events().awaitMessages(2);
        nodes.onSender().events().awaitMessages(2);
        assertEquals(List.of(1L, 2L), nodes.onSender().events().seqs(),
                "what the catch-up from the store finds was delivered to the sender already");
        assertEquals(List.of(), nodes.sender().faults);
    }

    @Test
    void aSendHeardTwiceWhileItsRoomOpensOnTheSendersNodeIsEchoedToTheSenderOnce() {
        InProcessEventBus.Network network = new InProcessEventBus.Network();
        MessageStore sharedMessages = new InMemoryMessageStore();
        InMemoryPresence sharedPresence = new InMemoryPresence();
        CompletableFuture<Void> roomRead = new CompletableFuture<>();
        HandOver handOver = new HandOver(null);
        InProcessEventBus senderBus = network.join();
        InProcessEventBus storingBus = network.join();
        TestCore sender = new TestCore(new SlowRoomRead(sharedMessages, roomRead), senderBus, handOver,
                sharedPresence, Limits.defaults());
        TestCore storing = new TestCore(sharedMessages, storingBus, SendForwarding.NONE, sharedPresence,
                Limits.defaults());
        senderBus.attach(sender.core.clusterEvents());
        storingBus.attach(storing.core.clusterEvents());
        handOver.storingNode = storing.core.clusterEvents();
        User eve = sender.register("eve");
        Room room = sender.groupRoom(eve);
        result(storing.users.insertIfEmailFree(new UserAccount(eve, "unused")));
        result(storing.rooms.insert(room));
        TestClient joining = sender.connect(eve);
        TestClient notJoined = sender.connect(eve);

        // The room's channel opens on the sender's node: subscribed, but not yet told where the room stands.
        CompletionStage<Outcome<Room>> join = joining.connection().join(room.id(), null);
        // Heard twice before that: the storing node's publication, then its answer.
        notJoined.say(room, "sent while the room opens");
        roomRead.complete(null);
        result(join);

        assertEquals(List.of(1L), notJoined.events().seqs());
        assertEquals(List.of(1L), joining.events().seqs());
    }

    @Test
    void aStoreFailureAnsweredByTheStoringNodeFailsTheSendAsUnavailable() {
        HandOver handOver = new HandOver(new StorageUnavailableException("store down"));
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, handOver);

        Throwable failure = failureOf(nodes.onSender().connection().send(
                new SendMessageCommand(nodes.room().id(), "not stored", List.of(), null)));

        assertTrue(failure instanceof StorageUnavailableException, "failed with " + failure);
        assertEquals(List.of(), result(nodes.sender().messages.since(nodes.room().id(), 0, 100)));
        assertEquals(List.of(), nodes.onSender().events().messages());
    }

    @Test
    void aNodeHearsARoomsBusTrafficOnlyWhileOneOfItsConnectionsIsJoined() {
        TestCore test = new TestCore();
        InProcessEventBus bus = (InProcessEventBus) test.bus;
        User ann = test.register("ann");
        User bob = test.register("bob");
        Room room = test.groupRoom(ann, bob);
        assertEquals(false, bus.isSubscribed(room.id()));
        TestClient annClient = test.connect(ann);
        TestClient bobClient = test.connect(bob);
        annClient.join(room);
        bobClient.join(room);
        assertEquals(true, bus.isSubscribed(room.id()));

        result(annClient.connection().leave(room.id()));
        assertEquals(true, bus.isSubscribed(room.id()), "bob is still joined");
        result(bobClient.connection().close());
        assertEquals(false, bus.isSubscribed(room.id()));

        test.connect(ann).join(room);
        assertEquals(true, bus.isSubscribed(room.id()), "a new join opens the room again");
    }

    @Test
    void aMessageLostOnTheWayFromAnotherNodeIsFetchedFromTheStoreAndOrderIsKept() {
        TwoNodes nodes = twoNodes(Limits.defaults().withGapTimeout(Duration.ofMillis(50)), 3, SendForwarding.NONE);

        for (int i = 1; i <= 6; i++) {
            nodes.onSender().say(nodes.room(), "m" + i);
        }

        nodes.onReceiver().events().awaitMessages(6);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), nodes.onReceiver().events().seqs());
        assertEquals(1, nodes.receiverBus().dropped.get(), "the third publication never arrived");
    }

    @Test
    void afterTheBusWasCutOffAResumingNodeCatchesUpFromTheStoreWithoutWaitingForNewTraffic() {
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, SendForwarding.NONE);
        ControlledBus partitioned = nodes.receiverBus();
        TestCore receiver = nodes.receiver();
        TestClient onSender = nodes.onSender();
        TestClient onReceiver = nodes.onReceiver();
        Room shared = nodes.room();
        onSender.say(shared, "before");
        onReceiver.events().awaitMessages(1);

        partitioned.cutOff();
        onSender.say(shared, "while cut off 1");
        onSender.say(shared, "while cut off 2");
        assertEquals(false, receiver.core.health().check().healthy());
        assertEquals(Map.of("event_bus", "unavailable"), receiver.core.health().check().components());
        partitioned.resume();

        onReceiver.events().awaitMessages(3);
        assertEquals(List.of(1L, 2L, 3L), onReceiver.events().seqs());
        assertEquals(true, receiver.core.health().check().healthy());
    }

    @Test
    void aRoomTheBusMissedAloneIsCaughtUpFromTheStoreOnceHeardAgainWithoutWaitingForNewTraffic() {
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, SendForwarding.NONE);
        ControlledBus bus = nodes.receiverBus();
        TestClient onSender = nodes.onSender();
        TestClient onReceiver = nodes.onReceiver();
        Room shared = nodes.room();
        onSender.say(shared, "before");
        onReceiver.events().awaitMessages(1);

        bus.deafTo(shared.id());
        onSender.say(shared, "missed 1");
        onSender.say(shared, "missed 2");
        assertEquals(true, nodes.receiver().core.health().check().healthy(), "the bus is up: one room's subscription failed");
        bus.hearsAgain(shared.id());

        onReceiver.events().awaitMessages(3);
        assertEquals(List.of(1L, 2L, 3L), onReceiver.events().seqs());
    }

    @Test
    void aNodeCatchingUpPastHistoryTheStoreNoLongerKeepsGetsWhatIsKeptAndGoesOn() {
        int kept = 150;
        CountedReads store = new CountedReads(new InMemoryMessageStore(kept));
        TwoNodes nodes = twoNodes(Limits.defaults().withGapTimeout(Duration.ofMillis(50)), 0, SendForwarding.NONE, store);
        TestClient onSender = nodes.onSender();
        TestClient onReceiver = nodes.onReceiver();
        Room shared = nodes.room();
        onSender.say(shared, "before");
        onReceiver.events().awaitMessages(1);

        // More than the store keeps, and more than a page of catch-up: seqs 2 to 151 are gone when the bus is back.
        nodes.receiverBus().cutOff();
        for (int i = 1; i <= 300; i++) {
            onSender.say(shared, "while cut off " + i);
        }
        onSender.events().awaitMessages(301);
        nodes.receiverBus().resume();

        onReceiver.events().awaitMessages(1 + kept);
        // A page or two, and the gap the store no longer has, read again a bounded number of times before it is given up.
        assertTrue(store.reads.get() < 10 + RoomChannel.GAP_READS, "the catch-up reads a page or two, not the same "
                + "page for ever: " + store.reads.get() + " reads");
        List<Long> expected = LongStream.concat(LongStream.of(1), LongStream.rangeClosed(152, 301)).boxed().toList();
        assertEquals(expected, onReceiver.events().seqs());
        onSender.say(shared, "after");
        onReceiver.events().awaitMessages(2 + kept);
        assertEquals(302L, onReceiver.events().seqs().get(1 + kept), "and it is live again");
    }

    @Test
    void messagesStoredWhileOnlyTheSendersNodeWasCutOffReachTheOtherNodeOnceItsBusResumes() {
        TwoNodes nodes = twoNodes(Limits.defaults().withGapTimeout(Duration.ofMillis(50)), 0, SendForwarding.NONE);
        TestClient onSender = nodes.onSender();
        TestClient onReceiver = nodes.onReceiver();
        Room shared = nodes.room();
        onSender.say(shared, "before");
        onReceiver.events().awaitMessages(1);

        // The receiving node stays connected: it has nothing to catch up on, and hears of the cut-off from no one.
        nodes.senderBus().cutOff();
        onSender.say(shared, "while cut off 1");
        onSender.say(shared, "while cut off 2");
        nodes.senderBus().resume();

        onReceiver.events().awaitMessages(3);
        assertEquals(List.of(1L, 2L, 3L), onReceiver.events().seqs());
        assertEquals(List.of(1L, 2L, 3L), onSender.events().seqs());
    }

    @Test
    void aLeavingSaidWhileOnlyItsNodeWasCutOffReachesTheOtherNodeOnceItsBusResumes() {
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, SendForwarding.NONE);
        Room shared = nodes.room();
        UserId eve = nodes.onSender().connection().user().id();
        assertTrue(nodes.onReceiver().say(shared, "before") instanceof Outcome.Accepted); // remembered as a member there

        // The receiving node stays connected: it hears of the cut-off from no one, and nothing makes it re-read the room.
        nodes.senderBus().cutOff();
        assertEquals(Outcome.accepted(shared.id()), result(nodes.sender().core.rooms().leaveRoom(eve, shared.id())));
        result(nodes.receiver().rooms.removeMember(shared.id(), eve)); // as the store both nodes share would have it
        nodes.senderBus().resume();

        assertEquals(Outcome.rejected(Refusal.notMember()), nodes.onReceiver().say(shared, "after"));
        assertEquals(Outcome.rejected(Refusal.notJoined()), result(nodes.onReceiver().connection().typing(shared.id())),
                "eve's connection left the room");
    }

    @Test
    void aLeavingANodeMissedWhileItsBusWasCutOffTakesItsConnectionsOutOfTheRoomOnceItResumes() {
        TwoNodes nodes = twoNodes(Limits.defaults(), 0, SendForwarding.NONE);
        Room shared = nodes.room();
        UserId eve = nodes.onSender().connection().user().id();
        assertTrue(nodes.onReceiver().say(shared, "before") instanceof Outcome.Accepted);

        // The leaving node stays connected and says it; only the receiving node does not hear.
        nodes.receiverBus().cutOff();
        assertEquals(Outcome.accepted(shared.id()), result(nodes.sender().core.rooms().leaveRoom(eve, shared.id())));
        result(nodes.receiver().rooms.removeMember(shared.id(), eve)); // as the store both nodes share would have it
        nodes.receiverBus().resume();

        assertEquals(Outcome.rejected(Refusal.notJoined()), result(nodes.onReceiver().connection().typing(shared.id())),
                "eve's connection left the room");
        assertEquals(Outcome.rejected(Refusal.notMember()), nodes.onReceiver().say(shared, "after"));
    }

    @Test
    void whenPresenceForgetsAVanishedNodesUsersTheRoomIsTold() {
        InMemoryPresence presence = new InMemoryPresence();
        TestCore node = new TestCore(new InMemoryMessageStore(), InProcessEventBus.standalone(), presence, Limits.defaults());
        User dan = node.register("dan");
        Room room = node.groupRoom(dan);
        UserId ghost = new UserId("on-a-node-that-died");
        result(presence.enter(room.id(), new ConnectionId("ghost-connection"), ghost, "ghost"));
        TestClient danClient = node.connect(dan);
        danClient.join(room);
        assertEquals(Map.of(ghost, "ghost", dan.id(), "dan"),
                danClient.events().eventsOf(PresenceUpdate.class).get(0).onlineUsers());

        node.core.clusterEvents().presenceExpired(room.id(), Map.of(dan.id(), "dan"));

        danClient.events().awaitEvent(PresenceUpdate.class, update -> update.onlineUsers().equals(Map.of(dan.id(), "dan")));
    }

    /**
     * The receiving node stores every room; the sending node hands its sends over to it, or fails to with
     * {@code failure}, as a forwarding whose storing node timed out or answered with its store's failure.
     */
    private static final class HandOver implements SendForwarding {
        private final Throwable failure;
        /** The storing node stores the send and only its answer fails, as one lost when the bus went down. */
        private final boolean storedBeforeFailing;
        private volatile ClusterEvents storingNode;
        final AtomicInteger forwarded = new AtomicInteger();

        HandOver(Throwable failure) {
            this(failure, false);
        }

        private HandOver(Throwable failure, boolean storedBeforeFailing) {
            this.failure = failure;
            this.storedBeforeFailing = storedBeforeFailing;
        }

        static HandOver storingButLosingTheAnswer() {
            return new HandOver(new TimeoutException("the answer was lost"), true);
        }

        @Override
        public boolean storesHere(RoomId roomId) {
            return false;
        }

        @Override
        public CompletionStage<Appended> forward(NewMessage message) {
            forwarded.incrementAndGet();
            if (failure == null) {
                return storingNode.forwarded(message);
            }
            if (!storedBeforeFailing) {
                return CompletableFuture.failedFuture(failure);
            }
            return storingNode.forwarded(message).thenCompose(stored -> CompletableFuture.failedFuture(failure));
        }
    }

    /** A message store whose reads of a room's last message wait for {@code release}, like a slow database's. */
    private record SlowRoomRead(MessageStore delegate, CompletableFuture<Void> release) implements MessageStore {
        @Override
        public CompletionStage<Appended> append(NewMessage message) {
            return delegate.append(message);
        }

        @Override
        public CompletionStage<List<ChatMessage>> history(RoomId roomId, int limit, Instant before, Long beforeSeq) {
            return release.thenCompose(ignored -> delegate.history(roomId, limit, before, beforeSeq));
        }

        @Override
        public CompletionStage<List<ChatMessage>> since(RoomId roomId, long afterSeq, int limit) {
            return delegate.since(roomId, afterSeq, limit);
        }
    }

    /** A message store whose forward reads answer on another thread, as a database's do, and are counted. */
    private record CountedReads(MessageStore delegate, AtomicInteger reads) implements MessageStore {
        CountedReads(MessageStore delegate) {
            this(delegate, new AtomicInteger());
        }

        @Override
        public CompletionStage<Appended> append(NewMessage message) {
            return delegate.append(message);
        }

        @Override
        public CompletionStage<List<ChatMessage>> history(RoomId roomId, int limit, Instant before, Long beforeSeq) {
            return delegate.history(roomId, limit, before, beforeSeq);
        }

        @Override
        public CompletionStage<List<ChatMessage>> since(RoomId roomId, long afterSeq, int limit) {
            reads.incrementAndGet();
            return delegate.since(roomId, afterSeq, limit).thenApplyAsync(page -> page);
        }
    }

    /** Two cores as two nodes of one service: one store, one presence, a bus each; eve joined the room on both. */
    private record TwoNodes(TestCore sender, TestCore receiver, ControlledBus senderBus, ControlledBus receiverBus,
                            Room room, TestClient onSender, TestClient onReceiver) {
    }

    /**
     * The sending node hands its sends to the receiving node when {@code senderForwarding} is a {@link HandOver};
     * the receiving node's bus loses the {@code dropMessageAt}-th message it hears (none for 0). Either node's bus
     * can be cut off.
     */
    private static TwoNodes twoNodes(Limits limits, int dropMessageAt, SendForwarding senderForwarding) {
        return twoNodes(limits, dropMessageAt, senderForwarding, new InMemoryMessageStore());
    }

    private static TwoNodes twoNodes(Limits limits, int dropMessageAt, SendForwarding senderForwarding,
                                     MessageStore sharedMessages) {
        InProcessEventBus.Network network = new InProcessEventBus.Network();
        InMemoryPresence sharedPresence = new InMemoryPresence();
        ControlledBus senderBus = new ControlledBus(network.join(), 0);
        ControlledBus receiverBus = new ControlledBus(network.join(), dropMessageAt);
        TestCore sender = new TestCore(sharedMessages, senderBus, senderForwarding, sharedPresence, limits);
        TestCore receiver = new TestCore(sharedMessages, receiverBus, SendForwarding.NONE, sharedPresence, limits);
        senderBus.attach(sender.core.clusterEvents());
        receiverBus.attach(receiver.core.clusterEvents());
        if (senderForwarding instanceof HandOver handOver) {
            handOver.storingNode = receiver.core.clusterEvents();
        }
        User eve = sender.register("eve");
        Room room = sender.groupRoom(eve);
        result(receiver.users.insertIfEmailFree(new UserAccount(eve, "unused")));
        result(receiver.rooms.insert(room));
        TestClient onSender = sender.connect(eve);
        TestClient onReceiver = receiver.connect(eve);
        onSender.join(room);
        onReceiver.join(room);
        return new TwoNodes(sender, receiver, senderBus, receiverBus, room, onSender, onReceiver);
    }

    /**
     * An in-process bus that loses what it is told to: the n-th message it hears, or everything it would hear
     * or publish while cut off. {@link #resume()} reconnects it and tells the core, as a real bus does after an
     * outage.
     */
    private static final class ControlledBus implements RoomEventBus {
        private final InProcessEventBus delegate;
        private final int dropMessageAt;
        private final AtomicInteger messages = new AtomicInteger();
        private final AtomicBoolean cut = new AtomicBoolean();
        /** Rooms whose subscription this bus lacks for now, though it stays connected. */
        private final Set<RoomId> deaf = ConcurrentHashMap.newKeySet();
        private volatile ClusterEvents core;
        final AtomicInteger dropped = new AtomicInteger();

        ControlledBus(InProcessEventBus delegate, int dropMessageAt) {
            this.delegate = delegate;
            this.dropMessageAt = dropMessageAt;
        }

        void cutOff() {
            cut.set(true);
        }

        void resume() {
            cut.set(false);
            core.busResumed();
        }

        void deafTo(RoomId roomId) {
            deaf.add(roomId);
        }

        /** The room's subscription is in place again, and the core is told, as a real bus does after retrying it. */
        void hearsAgain(RoomId roomId) {
            deaf.remove(roomId);
            core.roomsResumed(Set.of(roomId));
        }

        /** Hands the core what the bus hears, but for what it loses. */
        void attach(ClusterEvents value) {
            this.core = value;
            delegate.attach(new ClusterEvents() {
                @Override
                public void published(RoomEvent event) {
                    boolean message = event instanceof RoomEvent.MessagePosted;
                    if (cut.get() || deaf.contains(event.roomId())
                            || (message && messages.incrementAndGet() == dropMessageAt)) {
                        dropped.incrementAndGet();
                        return;
                    }
                    value.published(event);
                }

                @Override
                public void busResumed() {
                    value.busResumed();
                }

                @Override
                public CompletionStage<Appended> forwarded(NewMessage message) {
                    return value.forwarded(message);
                }

                @Override
                public void presenceExpired(RoomId roomId, Map<UserId, String> online) {
                    value.presenceExpired(roomId, online);
                }
            });
        }

        /** Drops what is published while cut off, as a bus that has lost its server does. */
        @Override
        public CompletionStage<Void> publish(RoomEvent event) {
            if (cut.get()) {
                return CompletableFuture.completedFuture(null);
            }
            return delegate.publish(event);
        }

        @Override
        public CompletionStage<Void> subscribe(RoomId roomId) {
            return delegate.subscribe(roomId);
        }

        @Override
        public CompletionStage<Void> unsubscribe(RoomId roomId) {
            return delegate.unsubscribe(roomId);
        }

        @Override
        public boolean isAvailable() {
            return !cut.get();
        }
    }
}
