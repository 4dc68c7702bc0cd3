package io.relaychat.domain;

import io.relaychat.adapter.local.InMemoryMessageStore;
import io.relaychat.adapter.local.InMemoryPresence;
import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomEvent.PresenceUpdate;
import io.relaychat.ports.model.RoomEvent.Typing;
import io.relaychat.ports.model.RoomEvent.UserJoined;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.ServerEvent.SystemNotice;
import io.relaychat.ports.model.StorageUnavailableException;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomPresence;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import io.relaychat.testkit.Await;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real-time rules of one node: joining and leaving, delivery to every joined connection and to the
 * sender's own, seq order, resume, idempotent retries, refusals as outcomes, presence, typing, and what
 * happens when the store or presence fails. The rules between nodes are in {@link ClusterRulesTest}.
 */
class RealTimeRulesTest {
    private final TestCore test = new TestCore();
    private final RelayCore core = test.core;
    private final User ann = test.register("ann");
    private final User bob = test.register("bob");
    private final User cat = test.register("cat");
    private final Room room = test.groupRoom(ann, bob);

    private TestClient connect(TestCore node, User user) {
        return node.connect(user);
    }

    private TestClient connect(User user) {
        return test.connect(user);
    }

    private TestClient joined(User user) {
        TestClient client = connect(user);
        client.join(room);
        client.events().clear();
        return client;
    }

    @Test
    void aMemberJoiningIsGreetedThenToldWhoIsOnline() {
        TestClient annClient = connect(ann);

        annClient.join(room);

        assertEquals(List.of(new SystemNotice("Joined room: room-group"),
                new PresenceUpdate(room.id(), Map.of(ann.id(), "ann"))), annClient.events().events());
    }

    @Test
    void othersInTheRoomHearOfTheJoinAndTheNewPresence() {
        TestClient annClient = joined(ann);

        connect(bob).join(room);
        annClient.events().awaitEvent(PresenceUpdate.class, update -> true);

        assertEquals(List.of(new UserJoined(room.id(), bob.id(), "bob"),
                new PresenceUpdate(room.id(), Map.of(ann.id(), "ann", bob.id(), "bob"))), annClient.events().events());
    }

    @Test
    void aNonMemberCannotJoinOrSendOrTypeAndHearsNothing() {
        TestClient annClient = joined(ann);
        TestClient catClient = connect(cat);

        Outcome<Room> join = result(catClient.connection().join(room.id(), null));
        Outcome<ChatMessage> send = result(catClient.connection().send(new SendMessageCommand(room.id(), "let me in",
                List.of(), null)));
        Outcome<RoomId> typing = result(catClient.connection().typing(room.id()));

        assertEquals(Outcome.rejected(new Refusal(Reason.NOT_MEMBER, "Access denied to room")), join);
        assertEquals(Outcome.rejected(new Refusal(Reason.NOT_MEMBER, "Access denied")), send);
        assertEquals(Outcome.rejected(new Refusal(Reason.NOT_JOINED, "Join the room first")), typing);
        assertEquals(List.of(), catClient.events().events(), "refusals are answers, not room traffic");
        assertEquals(List.of(), annClient.events().events());
        assertEquals(List.of(), result(test.messages.history(room.id(), 10, null, null)));
    }

    @Test
    void anUnknownRoomIsRefusedExactlyLikeARoomOneIsNotIn() {
        TestClient catClient = connect(cat);
        RoomId unknown = new RoomId("no-such-room");

        assertEquals(result(catClient.connection().join(room.id(), null)), result(catClient.connection().join(unknown, null)));
        SendMessageCommand there = new SendMessageCommand(room.id(), "hi", List.of(), null);
        SendMessageCommand nowhere = new SendMessageCommand(unknown, "hi", List.of(), null);
        assertEquals(result(catClient.connection().send(there)), result(catClient.connection().send(nowhere)));
    }

    @Test
    void anAcceptedSendAnswersWithTheStoredMessage() {
        TestClient annClient = joined(ann);

        ChatMessage stored = result(annClient.connection().send(
                new SendMessageCommand(room.id(), "hello", List.of(), "c-1"))).value();

        assertEquals(1, stored.seq());
        assertEquals("c-1", stored.clientId());
        assertEquals(List.of(stored), annClient.events().messages());
    }

    @Test
    void joiningTwiceNeverDeliversTwice() {
        TestClient annClient = connect(ann);
        annClient.join(room);
        annClient.join(room);
        TestClient bobClient = joined(bob);
        annClient.events().clear();

        bobClient.say(room, "once");

        assertEquals(List.of("once"), annClient.events().contents());
    }

    @Test
    void aMessageReachesEveryJoinedConnectionAndEverySenderConnectionExactlyOnce() {
        TestClient annJoined = joined(ann);
        TestClient annElsewhere = connect(ann);
        TestClient bobJoined = joined(bob);
        TestClient bobNotJoined = connect(bob);
        String content = "héllo 👋 <b>\"quoted\"</b>\n\ttabs  and  spaces ";

        annJoined.say(room, content);

        for (TestClient client : List.of(annJoined, annElsewhere, bobJoined)) {
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
        TestClient annClient = joined(ann);
        for (int i = 1; i <= 3; i++) {
            annClient.say(room, "m" + i);
        }

        assertEquals(List.of(1L, 2L, 3L), annClient.events().seqs());
        assertEquals(List.of(1L, 2L, 3L),
                result(test.messages.history(room.id(), 10, null, null)).stream().map(ChatMessage::seq).toList());
    }

    @Test
    void aRetryWithTheSameClientIdIsStoredOnceAndEchoedToTheSenderAgain() {
        TestClient annClient = joined(ann);
        TestClient bobClient = joined(bob);
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
    void contentOverTheLimitIsRefusedAndNotStored() {
        TestClient annClient = joined(ann);

        Outcome<ChatMessage> tooLong = result(annClient.connection().send(
                new SendMessageCommand(room.id(), "x".repeat(4001), List.of(), "c1")));
        annClient.say(room, "x".repeat(4000));

        assertEquals(Outcome.rejected(new Refusal(Reason.CONTENT_TOO_LONG, "Message content exceeds 4000 characters")),
                tooLong);
        assertEquals(List.of(1L), annClient.events().seqs());
    }

    @Test
    void theContentLimitCountsCharactersNotUtf16Units() {
        TestClient annClient = joined(ann);

        Outcome<ChatMessage> sent = result(annClient.connection().send(
                new SendMessageCommand(room.id(), "😀".repeat(4000), List.of(), null)));

        assertTrue(sent instanceof Outcome.Accepted<ChatMessage>, "4000 emoji are 4000 characters: " + sent);
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
        TestClient annClient = joined(ann);
        for (int i = 1; i <= 12; i++) {
            annClient.say(room, "m" + i);
        }
        TestClient bobClient = connect(bob);

        result(bobClient.connection().join(room.id(), 7L));
        annClient.say(room, "m13");

        assertEquals(LongStream.rangeClosed(8, 13).boxed().toList(), bobClient.events().seqs());
        List<ServerEvent> events = bobClient.events().events();
        assertTrue(events.get(0) instanceof SystemNotice && events.get(1) instanceof PresenceUpdate,
                "greeting first, then history: " + events);
    }

    @Test
    void aResumingClientGetsItsBacklogPageByPageAtItsOwnPace() {
        TestClient annClient = joined(ann);
        for (int i = 1; i <= 250; i++) {
            annClient.say(room, "m" + i);
        }
        GatedClient bobEvents = new GatedClient();
        ChatConnection bobConnection = core.chat().connect(bob, bobEvents).value();

        CompletionStage<Outcome<Room>> join = bobConnection.join(room.id(), 0L);
        Await.until("the first page arrives", () -> bobEvents.messages().size() == 100);
        assertEquals(100, bobEvents.messages().size(), "the next page waits for the client to take this one");
        bobEvents.writable();
        Await.until("the second page arrives", () -> bobEvents.messages().size() == 200);
        bobEvents.writable();

        result(join);
        assertEquals(LongStream.rangeClosed(1, 250).boxed().toList(), bobEvents.seqs());
    }

    /** A client whose sink is not writable again until the test says so. */
    private static final class GatedClient extends RecordingClient {
        private volatile CompletableFuture<Void> gate = new CompletableFuture<>();
        private volatile boolean first = true;

        @Override
        public synchronized CompletionStage<Void> whenWritable() {
            if (first) {
                first = false; // nothing sent yet: writable at once
                return CompletableFuture.completedFuture(null);
            }
            return gate;
        }

        synchronized void writable() {
            CompletableFuture<Void> open = gate;
            gate = new CompletableFuture<>();
            open.complete(null);
        }
    }

    @Test
    void resumingWhileOthersKeepSendingLosesAndRepeatsNothing() throws Exception {
        TestClient annClient = joined(ann);
        for (int i = 1; i <= 50; i++) {
            annClient.say(room, "before" + i);
        }
        TestClient bobClient = connect(bob);
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
        TestClient annClient = joined(ann);
        TestClient bobClient = joined(bob);
        annClient.events().awaitEvent(PresenceUpdate.class, update -> update.onlineUsers().containsKey(bob.id()));
        annClient.events().clear();

        result(bobClient.connection().leave(room.id()));
        annClient.say(room, "after bob left");

        assertEquals(List.of(), bobClient.events().contents());
        annClient.events().awaitEvent(PresenceUpdate.class, update -> update.onlineUsers().equals(Map.of(ann.id(), "ann")));
    }

    @Test
    void aUserLeavesPresenceOnlyWhenTheirLastConnectionCloses() {
        TestClient annClient = joined(ann);
        TestClient bobPhone = joined(bob);
        TestClient bobLaptop = joined(bob);
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
        TestClient observer = joined(ann);
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
        TestClient annClient = joined(ann);
        TestClient annOther = joined(ann);
        TestClient bobClient = joined(bob);

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
        List<TestClient> listeners = IntStream.range(0, 10).mapToObj(i -> joined(i % 2 == 0 ? ann : bob)).toList();
        List<TestClient> senderClients = senders.stream().map(this::connect).toList();

        List<CompletableFuture<Void>> sending = senderClients.stream().map(sender -> CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 40; i++) {
                sender.say(room, "m" + i);
            }
        })).toList();
        sending.forEach(CompletableFuture::join);

        List<Long> all = LongStream.rangeClosed(1, 200).boxed().toList();
        for (TestClient listener : listeners) {
            listener.events().awaitMessages(200);
            assertEquals(all, listener.events().seqs());
        }
    }

    @Test
    void whenStorageFailsTheSendFailsAsUnavailableAndNothingIsDelivered() {
        AtomicBoolean down = new AtomicBoolean(true);
        TestCore flaky = new TestCore(new FlakyMessages(new InMemoryMessageStore(), down),
                InProcessEventBus.standalone(), new InMemoryPresence(), Limits.defaults());
        User dan = flaky.register("dan");
        Room flakyRoom = flaky.groupRoom(dan);
        TestClient danClient = connect(flaky, dan);
        result(danClient.connection().join(flakyRoom.id(), null));

        Throwable failure = failureOf(danClient.connection().send(
                new SendMessageCommand(flakyRoom.id(), "lost?", List.of(), "c-7")));
        down.set(false);
        result(danClient.connection().send(new SendMessageCommand(flakyRoom.id(), "stored", List.of(), "c-8")));

        assertTrue(failure instanceof StorageUnavailableException, "failed with " + failure);
        assertEquals(List.of("stored"), danClient.events().contents());
    }

    @Test
    void presenceThatCannotBeReachedKeepsNoOneOutOfARoom() {
        TestCore node = new TestCore(new InMemoryMessageStore(), InProcessEventBus.standalone(), new UnreachablePresence(),
                Limits.defaults());
        User dan = node.register("dan");
        Room room = node.groupRoom(dan);
        TestClient danClient = connect(node, dan);

        Outcome<Room> first = danClient.join(room);
        Outcome<Room> again = danClient.join(room); // the web UI joins every new room twice
        danClient.say(room, "still works");

        assertEquals(Outcome.accepted(room), first);
        assertEquals(Outcome.accepted(room), again);
        PresenceUpdate onlyDan = new PresenceUpdate(room.id(), Map.of(dan.id(), "dan"));
        assertEquals(List.of(onlyDan, onlyDan), danClient.events().eventsOf(PresenceUpdate.class));
        assertEquals(List.of("still works"), danClient.events().contents());
        result(danClient.connection().leave(room.id()));
        assertEquals(false, node.core.health().check().healthy());
        assertTrue(node.faults.size() >= 3, "every failed presence call is reported: " + node.faults);
    }

    /** Presence whose every call fails, like a store that is down. */
    private static final class UnreachablePresence implements PresencePort {
        private static <T> CompletionStage<T> down() {
            return CompletableFuture.failedFuture(new StorageUnavailableException("presence down"));
        }

        @Override
        public CompletionStage<RoomPresence> enter(RoomId roomId, ConnectionId connection, UserId userId,
                                                   String username) {
            return down();
        }

        @Override
        public CompletionStage<RoomPresence> exit(RoomId roomId, ConnectionId connection) {
            return down();
        }

        @Override
        public CompletionStage<Map<UserId, String>> online(RoomId roomId) {
            return down();
        }

        @Override
        public boolean isAvailable() {
            return false;
        }
    }

    @Test
    void answersArriveInRequestOrderEvenWhenAnEarlierOneIsSlower() {
        CompletableFuture<Void> storeAnswers = new CompletableFuture<>();
        TestCore node = new TestCore(new SlowMessages(new InMemoryMessageStore(), storeAnswers),
                InProcessEventBus.standalone(), new InMemoryPresence(), Limits.defaults());
        User dan = node.register("dan");
        Room room = node.groupRoom(dan);
        TestClient danClient = connect(node, dan);
        danClient.join(room);
        List<String> answered = new CopyOnWriteArrayList<>();

        CompletionStage<Outcome<ChatMessage>> send = danClient.connection().send(
                new SendMessageCommand(room.id(), "slow to store", List.of(), "c-1"));
        send.thenAccept(outcome -> answered.add("send"));
        CompletionStage<Outcome<RoomId>> typing = danClient.connection().typing(new RoomId("not-joined"));
        typing.thenAccept(outcome -> answered.add("typing"));
        storeAnswers.complete(null);

        result(typing);
        assertEquals(List.of("send", "typing"), answered, "the typing refusal was answered before the send");
    }

    @Test
    void aSeqTakenByAFailedInsertDoesNotStallTheRoom() {
        BurningMessages burning = new BurningMessages();
        TestCore node = new TestCore(burning, InProcessEventBus.standalone(), new InMemoryPresence(),
                Limits.defaults().withGapTimeout(Duration.ofMillis(50)));
        User dan = node.register("dan");
        User eve = node.register("eve");
        Room shared = node.groupRoom(dan, eve);
        TestClient danClient = connect(node, dan);
        TestClient eveClient = connect(node, eve);
        result(danClient.connection().join(shared.id(), null));
        result(eveClient.connection().join(shared.id(), null));

        danClient.say(shared, "first");
        burning.burnNext.set(true);
        Throwable lost = failureOf(danClient.connection().send(new SendMessageCommand(shared.id(), "lost", List.of(),
                "c-lost")));
        danClient.say(shared, "third");

        eveClient.events().awaitMessages(2);
        assertEquals(List.of("first", "third"), eveClient.events().contents());
        assertEquals(List.of(1L, 3L), eveClient.events().seqs());
        assertTrue(lost instanceof StorageUnavailableException, "failed with " + lost);
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
    void aClosedConnectionRefusesFurtherRequestsAndStoresNothing() {
        TestClient annClient = joined(ann);
        result(annClient.connection().close());

        Throwable failure = failureOf(annClient.connection().send(
                new SendMessageCommand(room.id(), "too late", List.of(), null)));

        assertTrue(failure instanceof IllegalStateException, "failed with " + failure);
        assertEquals(List.of(), result(test.messages.history(room.id(), 10, null, null)));
    }

    /** The fault a stage failed with; fails the test when it completes normally. */
    static Throwable failureOf(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (java.util.concurrent.ExecutionException e) {
            return Failures.cause(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
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
