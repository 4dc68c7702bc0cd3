package io.relaychat.domain;

import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomEvent.PresenceUpdate;
import io.relaychat.ports.model.RoomEvent.Typing;
import io.relaychat.ports.model.RoomEvent.UserJoined;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.ServerEvent.ErrorNotice;
import io.relaychat.ports.model.ServerEvent.SystemNotice;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.ports.out.RoomPresence;
import io.relaychat.ports.out.SendForwarding;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
class RealTimeRulesTest {
    private final TestCore test = new TestCore();
    private final RelayCore core = test.core;
    private final User ann = test.register("ann");
    private final User bob = test.register("bob");
    private final User cat = test.register("cat");
    private final Room room = test.groupRoom(ann, bob);

    private record Client(ChatConnection connection, RecordingClient events) {
        void join(Room room) {
            result(connection.join(room.id(), null));
        }

        void say(Room room, String content) {
            result(connection.send(new SendMessageCommand(room.id(), content, List.of(), null)));
        }
    }

    private Client connect(TestCore node, User user) {
        RecordingClient events = new RecordingClient();
        return new Client(node.core.chat().connect(user, events), events);
    }

    private Client connect(User user) {
        return connect(test, user);
    }

    private Client joined(User user) {
        Client client = connect(user);
        client.join(room);
        client.events().clear();
        return client;
    }

    @Test
    void aMemberJoiningIsGreetedThenToldWhoIsOnline() {
        Client annClient = connect(ann);

        annClient.join(room);

        assertEquals(List.of(new SystemNotice("Joined room: room-group"),
                new PresenceUpdate(room.id(), Map.of(ann.id(), "ann"))), annClient.events().events());
    }

    @Test
    void othersInTheRoomHearOfTheJoinAndTheNewPresence() {
        Client annClient = joined(ann);

        connect(bob).join(room);
        annClient.events().awaitEvent(PresenceUpdate.class, update -> true);

        assertEquals(List.of(new UserJoined(room.id(), bob.id(), "bob"),
                new PresenceUpdate(room.id(), Map.of(ann.id(), "ann", bob.id(), "bob"))), annClient.events().events());
    }

    @Test
    void aNonMemberCannotJoinOrSendOrTypeAndHearsNothing() {
        Client annClient = joined(ann);
        Client catClient = connect(cat);

        catClient.join(room);
        catClient.say(room, "let me in");
        result(catClient.connection().typing(room.id()));

        assertEquals(List.of("Access denied to room", "Access denied", "Join the room first"), catClient.events().errors());
        assertEquals(List.of(), annClient.events().events());
        assertEquals(List.of(), result(test.messages.history(room.id(), 10, null, null)));
    }

    @Test
    void joiningTwiceNeverDeliversTwice() {
        Client annClient = connect(ann);
        annClient.join(room);
        annClient.join(room);
        Client bobClient = joined(bob);
        annClient.events().clear();

        bobClient.say(room, "once");

        assertEquals(List.of("once"), annClient.events().contents());
    }

    @Test
    void aMessageReachesEveryJoinedConnectionAndEverySenderConnectionExactlyOnce() {
        Client annJoined = joined(ann);
        Client annElsewhere = connect(ann);
        Client bobJoined = joined(bob);
        Client bobNotJoined = connect(bob);
        String content = "héllo 👋 <b>\"quoted\"</b>\n\ttabs  and  spaces ";

        annJoined.say(room, content);

        for (Client client : List.of(annJoined, annElsewhere, bobJoined)) {
            assertEquals(List.of(content), client.events().contents(), "delivered once, byte for byte");
        }
        assertEquals(List.of(), bobNotJoined.events().events(), "not joined and not the sender");
        ChatMessage message = annJoined.events().messages().get(0);
        assertEquals(1, message.seq());
        assertEquals(ann.id(), message.userId());
        assertEquals("ann", message.username());
    }

    @Test
    void seqsCountUpPerRoomAndHistoryCarriesThem() {
        Client annClient = joined(ann);
        for (int i = 1; i <= 3; i++) {
            annClient.say(room, "m" + i);
        }

        assertEquals(List.of(1L, 2L, 3L), annClient.events().seqs());
        assertEquals(List.of(1L, 2L, 3L),
                result(test.messages.history(room.id(), 10, null, null)).stream().map(ChatMessage::seq).toList());
    }

    @Test
    void aRetryWithTheSameClientIdIsStoredOnceAndEchoedToTheSenderAgain() {
        Client annClient = joined(ann);
        Client bobClient = joined(bob);
        SendMessageCommand send = new SendMessageCommand(room.id(), "important", List.of(), "client-42");

        result(annClient.connection().send(send));
        result(annClient.connection().send(send));

        assertEquals(List.of("important", "important"), annClient.events().contents());
        assertEquals(annClient.events().messages().get(0), annClient.events().messages().get(1));
        assertEquals("client-42", annClient.events().messages().get(0).clientId());
        assertEquals(List.of("important"), bobClient.events().contents());
        assertEquals(1, result(test.messages.history(room.id(), 10, null, null)).size());
    }

    @Test
    void contentOverTheLimitIsRefusedWithAnErrorAndNotStored() {
        Client annClient = joined(ann);

        result(annClient.connection().send(new SendMessageCommand(room.id(), "x".repeat(4001), List.of(), "c1")));
        annClient.say(room, "x".repeat(4000));

        assertEquals(List.of(new ErrorNotice("Message content exceeds 4000 characters", "c1")),
                annClient.events().eventsOf(ErrorNotice.class));
        assertEquals(List.of(1L), annClient.events().seqs());
    }

    @Test
    void theContentLimitCountsCharactersNotUtf16Units() {
        Client annClient = joined(ann);

        annClient.say(room, "😀".repeat(4000));

        assertEquals(List.of(), annClient.events().errors());
        assertEquals(List.of(1L), annClient.events().seqs());
    }

    @Test
    void emptyContentOrAMissingRoomIsRefusedNamingTheField() {
        assertEquals("content", assertThrows(InvalidCommandException.class,
                () -> new SendMessageCommand(room.id(), "  ", List.of(), null)).field());
        assertEquals("room_id", assertThrows(InvalidCommandException.class,
                () -> new SendMessageCommand(null, "hi", List.of(), null)).field());
        new SendMessageCommand(room.id(), "", List.of("/static/uploads/a.png"), null);
    }

    @Test
    void resumingFromASeqDeliversTheRestInOrderThenLiveWithNoGapOrDuplicate() {
        Client annClient = joined(ann);
        for (int i = 1; i <= 12; i++) {
            annClient.say(room, "m" + i);
        }
        Client bobClient = connect(bob);

        result(bobClient.connection().join(room.id(), 7L));
        annClient.say(room, "m13");

        assertEquals(LongStream.rangeClosed(8, 13).boxed().toList(), bobClient.events().seqs());
        List<ServerEvent> events = bobClient.events().events();
        assertTrue(events.get(0) instanceof SystemNotice && events.get(1) instanceof PresenceUpdate,
                "greeting first, then history: " + events);
    }

    @Test
    void resumingWhileOthersKeepSendingLosesAndRepeatsNothing() throws Exception {
        Client annClient = joined(ann);
        for (int i = 1; i <= 50; i++) {
            annClient.say(room, "before" + i);
        }
        Client bobClient = connect(bob);
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= 200; i++) {
                annClient.say(room, "during" + i);
            }
        });

        result(bobClient.connection().join(room.id(), 10L));
        sending.get();
        bobClient.events().awaitMessages(240);

        assertEquals(LongStream.rangeClosed(11, 250).boxed().toList(), bobClient.events().seqs());
    }

    @Test
    void leavingStopsDeliveryAndUpdatesPresenceForOthers() {
        Client annClient = joined(ann);
        Client bobClient = joined(bob);
        annClient.events().awaitEvent(PresenceUpdate.class, update -> update.onlineUsers().containsKey(bob.id()));
        annClient.events().clear();

        result(bobClient.connection().leave(room.id()));
        annClient.say(room, "after bob left");

        assertEquals(List.of(), bobClient.events().contents());
        annClient.events().awaitEvent(PresenceUpdate.class, update -> update.onlineUsers().equals(Map.of(ann.id(), "ann")));
    }

    @Test
    void aUserLeavesPresenceOnlyWhenTheirLastConnectionCloses() {
        Client annClient = joined(ann);
        Client bobPhone = joined(bob);
        Client bobLaptop = joined(bob);
        annClient.events().awaitEvent(PresenceUpdate.class, update -> update.onlineUsers().containsKey(bob.id()));
        annClient.events().clear();

        result(bobPhone.connection().close());
        annClient.say(room, "bob still here?");
        assertEquals(List.of(), annClient.events().eventsOf(PresenceUpdate.class), "bob is still online");

        result(bobLaptop.connection().close());
        annClient.events().awaitEvent(PresenceUpdate.class, update -> true);
        assertEquals(List.of(new PresenceUpdate(room.id(), Map.of(ann.id(), "ann"))),
                annClient.events().eventsOf(PresenceUpdate.class));
    }

    @Test
    void aBurstOfJoinsSendsAFewPresenceUpdatesEndingWithEveryone() {
        Client observer = joined(ann);
        List<User> crowd = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            User member = test.register("member" + i);
            result(core.rooms().joinRoom(member.id(), room.id()));
            crowd.add(member);
        }

        crowd.forEach(member -> connect(member).join(room));

        PresenceUpdate last = observer.events().awaitEvent(PresenceUpdate.class, update -> update.onlineUsers().size() == 41);
        int updates = observer.events().eventsOf(PresenceUpdate.class).size();
        assertTrue(updates <= 10, updates + " presence updates for 40 joins in a burst: far fewer than the joins");
        assertEquals(41, last.onlineUsers().size());
        assertEquals(40, observer.events().eventsOf(UserJoined.class).size(), "every join is still announced");
    }

    @Test
    void typingReachesOthersOnlyAndIsNotStored() {
        Client annClient = joined(ann);
        Client annOther = joined(ann);
        Client bobClient = joined(bob);

        result(annClient.connection().typing(room.id()));

        assertEquals(List.of(new Typing(room.id(), ann.id(), "ann")), bobClient.events().eventsOf(Typing.class));
        assertEquals(List.of(), annOther.events().eventsOf(Typing.class));
        assertEquals(List.of(), result(test.messages.history(room.id(), 10, null, null)));
    }

    @Test
    void concurrentSendersAreDeliveredToEveryConnectionOnceAndInSeqOrder() {
        List<User> senders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            User sender = test.register("sender" + i);
            result(core.rooms().joinRoom(sender.id(), room.id()));
            senders.add(sender);
        }
        List<Client> listeners = IntStream.range(0, 10).mapToObj(i -> joined(i % 2 == 0 ? ann : bob)).toList();
        List<Client> senderClients = senders.stream().map(this::connect).toList();

        List<CompletableFuture<Void>> sending = senderClients.stream().map(sender -> CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 40; i++) {
                sender.say(room, "m" + i);
            }
        })).toList();
        sending.forEach(CompletableFuture::join);

        List<Long> all = LongStream.rangeClosed(1, 200).boxed().toList();
        for (Client listener : listeners) {
            listener.events().awaitMessages(200);
            assertEquals(all, listener.events().seqs());
        }
    }

    @Test
    void whenStorageFailsTheSenderIsToldWithTheClientIdAndNothingIsDelivered() {
        AtomicBoolean down = new AtomicBoolean(true);
        TestCore flaky = new TestCore(new FlakyMessages(new InMemoryMessageStore(), down),
                InProcessEventBus.standalone(), new InMemoryPresence(), Limits.defaults());
        User dan = flaky.register("dan");
        Room flakyRoom = flaky.groupRoom(dan);
        Client danClient = connect(flaky, dan);
        result(danClient.connection().join(flakyRoom.id(), null));

        result(danClient.connection().send(new SendMessageCommand(flakyRoom.id(), "lost?", List.of(), "c-7")));
        down.set(false);
        result(danClient.connection().send(new SendMessageCommand(flakyRoom.id(), "stored", List.of(), "c-8")));

        assertEquals(List.of(new ErrorNotice("Message not delivered: storage unavailable", "c-7")),
                danClient.events().eventsOf(ErrorNotice.class));
        assertEquals(List.of("stored"), danClient.events().contents());
    }

    @Test
    void coresSharingAnEventBusDeliverAcrossNodesInOrder() {
        TwoNodes nodes = twoNodes(UnaryOperator.identity(), Limits.defaults());

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
        TwoNodes nodes = twoNodes(UnaryOperator.identity(), Limits.defaults(), handOver.handing(), handOver.storing());

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
    void aSendTheStoringNodeDoesNotAnswerIsStoredByTheNodeThatTookIt() {
        HandOver handOver = new HandOver(new TimeoutException("no answer"));
        TwoNodes nodes = twoNodes(UnaryOperator.identity(), Limits.defaults(), handOver.handing(), handOver.storing());

        nodes.onSender().say(nodes.room(), "still sent");

        nodes.onReceiver().events().awaitMessages(1);
        assertEquals(List.of("still sent"), nodes.onSender().events().messages().stream().map(ChatMessage::content).toList());
        assertEquals(1, result(nodes.sender().messages.since(nodes.room().id(), 0, 100)).size());
    }

    @Test
    void aStoreFailureAnsweredByTheStoringNodeReachesTheSender() {
        HandOver handOver = new HandOver(new StorageUnavailableException("store down"));
        TwoNodes nodes = twoNodes(UnaryOperator.identity(), Limits.defaults(), handOver.handing(), handOver.storing());

        nodes.onSender().say(nodes.room(), "not stored");

        assertEquals(List.of(new ErrorNotice(ChatHub.STORAGE_UNAVAILABLE)),
                nodes.onSender().events().eventsOf(ErrorNotice.class));
        assertEquals(List.of(), result(nodes.sender().messages.since(nodes.room().id(), 0, 100)));
    }

    /** The receiving node stores every room; the sending node hands its sends over, or fails to with {@code failure}. */
    private static final class HandOver {
        private final Throwable failure;
        private volatile SendForwarding.Listener storingNode;
        final AtomicInteger forwarded = new AtomicInteger();

        HandOver(Throwable failure) {
            this.failure = failure;
        }

        SendForwarding storing() {
            return new SendForwarding() {
                @Override
                public void listen(Listener listener) {
                    storingNode = listener;
                }

                @Override
                public boolean storesHere(RoomId roomId) {
                    return true;
                }

                @Override
                public CompletionStage<MessageStore.Appended> forward(NewMessage message) {
                    throw new AssertionError("the storing node forwards nothing");
                }
            };
        }

        SendForwarding handing() {
            return new SendForwarding() {
                @Override
                public void listen(Listener listener) {
                }

                @Override
                public boolean storesHere(RoomId roomId) {
                    return false;
                }

                @Override
                public CompletionStage<MessageStore.Appended> forward(NewMessage message) {
                    forwarded.incrementAndGet();
                    return failure != null ? CompletableFuture.failedFuture(failure) : storingNode.onForwarded(message);
                }
            };
        }
    }

    @Test
    void aNodeHearsARoomsBusTrafficOnlyWhileOneOfItsConnectionsIsJoined() {
        InProcessEventBus bus = (InProcessEventBus) test.bus;
        assertEquals(false, bus.isSubscribed(room.id()));
        Client annClient = joined(ann);
        Client bobClient = joined(bob);
        assertEquals(true, bus.isSubscribed(room.id()));

        result(annClient.connection().leave(room.id()));
        assertEquals(true, bus.isSubscribed(room.id()), "bob is still joined");
        result(bobClient.connection().close());
        assertEquals(false, bus.isSubscribed(room.id()));

        joined(ann);
        assertEquals(true, bus.isSubscribed(room.id()), "a new join opens the room again");
    }

    @Test
    void aMessageLostOnTheWayFromAnotherNodeIsFetchedFromTheStoreAndOrderIsKept() {
        TwoNodes nodes = twoNodes(bus -> new ControlledBus(bus, 3), Limits.defaults().withGapTimeout(Duration.ofMillis(50)));
        ControlledBus lossy = (ControlledBus) nodes.receiverBus();

        for (int i = 1; i <= 6; i++) {
            nodes.onSender().say(nodes.room(), "m" + i);
        }

        nodes.onReceiver().events().awaitMessages(6);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), nodes.onReceiver().events().seqs());
        assertEquals(1, lossy.dropped.get(), "the third publication never arrived");
    }

    @Test
    void afterTheBusWasCutOffAResumingNodeCatchesUpFromTheStoreWithoutWaitingForNewTraffic() {
        TwoNodes nodes = twoNodes(bus -> new ControlledBus(bus, 0), Limits.defaults());
        ControlledBus partitioned = (ControlledBus) nodes.receiverBus();
        TestCore receiver = nodes.receiver();
        Client onSender = nodes.onSender();
        Client onReceiver = nodes.onReceiver();
        Room shared = nodes.room();
        onSender.say(shared, "before");
        onReceiver.events().awaitMessages(1);

        partitioned.cutOff();
        onSender.say(shared, "while cut off 1");
        onSender.say(shared, "while cut off 2");
        assertEquals(false, receiver.core.check().healthy());
        assertEquals(Map.of("event_bus", "unavailable"), receiver.core.check().components());
        partitioned.resume();

        onReceiver.events().awaitMessages(3);
        assertEquals(List.of(1L, 2L, 3L), onReceiver.events().seqs());
        assertEquals(true, receiver.core.check().healthy());
    }

    @Test
    void presenceThatCannotBeReachedKeepsNoOneOutOfARoom() {
        TestCore node = new TestCore(new InMemoryMessageStore(), InProcessEventBus.standalone(), new UnreachablePresence(),
                Limits.defaults());
        User dan = node.register("dan");
        Room room = node.groupRoom(dan);
        Client danClient = connect(node, dan);

        result(danClient.connection().join(room.id(), null));
        danClient.say(room, "still works");

        assertEquals(new PresenceUpdate(room.id(), Map.of(dan.id(), "dan")),
                danClient.events().eventsOf(PresenceUpdate.class).get(0));
        assertEquals(List.of("still works"), danClient.events().contents());
        assertEquals(false, node.core.check().healthy());
    }

    @Test
    void whenPresenceForgetsAVanishedNodesUsersTheRoomIsTold() {
        ExpiringPresence presence = new ExpiringPresence();
        TestCore node = new TestCore(new InMemoryMessageStore(), InProcessEventBus.standalone(), presence, Limits.defaults());
        User dan = node.register("dan");
        Room room = node.groupRoom(dan);
        UserId ghost = new UserId("on-a-node-that-died");
        result(presence.enter(room.id(), new ConnectionId("ghost-connection"), ghost, "ghost"));
        Client danClient = connect(node, dan);
        result(danClient.connection().join(room.id(), null));
        assertEquals(Map.of(ghost, "ghost", dan.id(), "dan"),
                danClient.events().eventsOf(PresenceUpdate.class).get(0).onlineUsers());

        presence.expire(room.id(), Map.of(dan.id(), "dan"));

        danClient.events().awaitEvent(PresenceUpdate.class, update -> update.onlineUsers().equals(Map.of(dan.id(), "dan")));
    }

    /** Presence whose every call fails, like a store that is down. */
    private static final class UnreachablePresence extends InMemoryPresenceDouble {
        @Override
        public CompletionStage<RoomPresence> enter(RoomId roomId, ConnectionId connection,
                                                                          UserId userId, String username) {
            return CompletableFuture.failedFuture(new StorageUnavailableException("presence down"));
        }

        @Override
        public boolean isAvailable() {
            return false;
        }
    }

    /** Presence that can be told to report the expiry of another node's connections. */
    private static final class ExpiringPresence extends InMemoryPresenceDouble {
        private BiConsumer<RoomId, Map<UserId, String>> listener;

        @Override
        public void onExpired(BiConsumer<RoomId, Map<UserId, String>> value) {
            this.listener = value;
        }

        void expire(RoomId roomId, Map<UserId, String> onlineAfter) {
            listener.accept(roomId, onlineAfter);
        }
    }

    /** The in-memory presence behind a seam tests can override. */
    private static class InMemoryPresenceDouble implements PresencePort {
        private final InMemoryPresence delegate = new InMemoryPresence();

        @Override
        public CompletionStage<RoomPresence> enter(RoomId roomId, ConnectionId connection,
                                                                          UserId userId, String username) {
            return delegate.enter(roomId, connection, userId, username);
        }

        @Override
        public CompletionStage<RoomPresence> exit(RoomId roomId, ConnectionId connection) {
            return delegate.exit(roomId, connection);
        }

        @Override
        public CompletionStage<Map<UserId, String>> online(RoomId roomId) {
            return delegate.online(roomId);
        }
    }

    @Test
    void aSeqTakenByAFailedInsertDoesNotStallTheRoom() {
        BurningMessages burning = new BurningMessages();
        TestCore node = new TestCore(burning, InProcessEventBus.standalone(), new InMemoryPresence(),
                Limits.defaults().withGapTimeout(Duration.ofMillis(50)));
        User dan = node.register("dan");
        User eve = node.register("eve");
        Room shared = node.groupRoom(dan, eve);
        Client danClient = connect(node, dan);
        Client eveClient = connect(node, eve);
        result(danClient.connection().join(shared.id(), null));
        result(eveClient.connection().join(shared.id(), null));

        danClient.say(shared, "first");
        burning.burnNext.set(true);
        result(danClient.connection().send(new SendMessageCommand(shared.id(), "lost", List.of(), "c-lost")));
        danClient.say(shared, "third");

        eveClient.events().awaitMessages(2);
        assertEquals(List.of("first", "third"), eveClient.events().contents());
        assertEquals(List.of(1L, 3L), eveClient.events().seqs());
        assertEquals(List.of(new ErrorNotice("Message not delivered: storage unavailable", "c-lost")),
                danClient.events().eventsOf(ErrorNotice.class));
    }

    /** Two cores as two nodes of one service: one store, one presence, a bus each; eve joined the room on both. */
    private record TwoNodes(TestCore sender, TestCore receiver, RoomEventBus receiverBus, Room room, Client onSender,
                            Client onReceiver) {
    }

    /** {@code receiverBus} may wrap the receiving node's bus, to lose or cut off what it hears. */
    private TwoNodes twoNodes(UnaryOperator<RoomEventBus> receiverBus, Limits limits) {
        return twoNodes(receiverBus, limits, SendForwarding.NONE, SendForwarding.NONE);
    }

    private TwoNodes twoNodes(UnaryOperator<RoomEventBus> receiverBus, Limits limits, SendForwarding senderForwarding,
                              SendForwarding receiverForwarding) {
        InProcessEventBus.Network network = new InProcessEventBus.Network();
        MessageStore sharedMessages = new InMemoryMessageStore();
        InMemoryPresence sharedPresence = new InMemoryPresence();
        TestCore sender = new TestCore(sharedMessages, network.join(), senderForwarding, sharedPresence, limits);
        RoomEventBus bus = receiverBus.apply(network.join());
        TestCore receiver = new TestCore(sharedMessages, bus, receiverForwarding, sharedPresence, limits);
        User eve = sender.register("eve");
        Room room = sender.groupRoom(eve);
        result(receiver.users.insertIfEmailFree(new UserAccount(eve, "unused")));
        result(receiver.rooms.insert(room));
        Client onSender = connect(sender, eve);
        Client onReceiver = connect(receiver, eve);
        result(onSender.connection().join(room.id(), null));
        result(onReceiver.connection().join(room.id(), null));
        return new TwoNodes(sender, receiver, bus, room, onSender, onReceiver);
    }

    /**
     * Passes publications on, except those it is told to lose: the n-th message, or everything while cut
     * off. {@link #resume()} reconnects it and tells the core, as a real bus does after an outage.
     */
    private static final class ControlledBus implements RoomEventBus {
        private final RoomEventBus delegate;
        private final int dropMessageAt;
        private final AtomicInteger messages = new AtomicInteger();
        private final AtomicBoolean cut = new AtomicBoolean();
        private Listener listener;
        final AtomicInteger dropped = new AtomicInteger();

        ControlledBus(RoomEventBus delegate, int dropMessageAt) {
            this.delegate = delegate;
            this.dropMessageAt = dropMessageAt;
        }

        void cutOff() {
            cut.set(true);
        }

        void resume() {
            cut.set(false);
            listener.onResumed();
        }

        @Override
        public void listen(Listener core) {
            this.listener = core;
            delegate.listen(new Listener() {
                @Override
                public void onEvent(RoomEvent event) {
                    boolean message = event instanceof RoomEvent.MessagePosted;
                    if (cut.get() || (message && messages.incrementAndGet() == dropMessageAt)) {
                        dropped.incrementAndGet();
                        return;
                    }
                    core.onEvent(event);
                }

                @Override
                public void onResumed() {
                    core.onResumed();
                }
            });
        }

        @Override
        public CompletionStage<Void> publish(RoomEvent event) {
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

    /**
     * A store whose seqs come from a counter, like a database's, so that an insert can fail after
     * taking its seq and leave a hole in the room.
     */
    private static final class BurningMessages implements MessageStore {
        final AtomicBoolean burnNext = new AtomicBoolean();
        private final AtomicLong counter = new AtomicLong();
        private final List<ChatMessage> stored = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Appended> append(NewMessage message) {
            long seq = counter.incrementAndGet();
            if (burnNext.getAndSet(false)) {
                return CompletableFuture.failedFuture(new StorageUnavailableException("insert timed out"));
            }
            ChatMessage chatMessage = message.withSeq(seq);
            stored.add(chatMessage);
            return CompletableFuture.completedFuture(new Appended(chatMessage, false));
        }

        @Override
        public CompletionStage<List<ChatMessage>> history(RoomId roomId, int limit, Instant before, Long beforeSeq) {
            List<ChatMessage> all = stored.stream().filter(m -> m.roomId().equals(roomId)).toList();
            return CompletableFuture.completedFuture(all.subList(Math.max(0, all.size() - limit), all.size()));
        }

        @Override
        public CompletionStage<List<ChatMessage>> since(RoomId roomId, long afterSeq, int limit) {
            return CompletableFuture.completedFuture(stored.stream()
                    .filter(m -> m.roomId().equals(roomId) && m.seq() > afterSeq).limit(limit).toList());
        }
    }

    @Test
    void aClosedConnectionIgnoresFurtherRequests() {
        Client annClient = joined(ann);
        result(annClient.connection().close());

        annClient.say(room, "too late");

        assertEquals(List.of(), result(test.messages.history(room.id(), 10, null, null)));
    }

    /** A message store that can be switched off, failing like an unreachable database. */
    private record FlakyMessages(MessageStore delegate, AtomicBoolean down) implements MessageStore {
        @Override
        public CompletionStage<Appended> append(NewMessage message) {
            return down.get() ? CompletableFuture.failedFuture(new StorageUnavailableException("down"))
                    : delegate.append(message);
        }

        @Override
        public CompletionStage<List<ChatMessage>> history(RoomId roomId, int limit, Instant before, Long beforeSeq) {
            return delegate.history(roomId, limit, before, beforeSeq);
        }

        @Override
        public CompletionStage<List<ChatMessage>> since(RoomId roomId, long afterSeq, int limit) {
            return delegate.since(roomId, afterSeq, limit);
        }
    }
}
