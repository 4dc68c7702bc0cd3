package io.relaychat.domain;

import io.relaychat.adapter.local.InProcessEventBus;
import io.relaychat.ports.in.ClientAddress;
import io.relaychat.ports.in.PublishCommand;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.in.ServerApiUseCase;
import io.relaychat.ports.in.ServerRoomCommand;
import io.relaychat.ports.in.SystemSender;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.in.HistoryQuery;
import io.relaychat.ports.out.RoomActivity.MemberAdded;
import io.relaychat.ports.out.RoomActivity.MemberRemoved;
import io.relaychat.ports.out.RoomActivity.MessagePosted;
import io.relaychat.ports.out.RoomActivity.RoomCreated;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a trusted backend may do with one of the server's keys, and what it may not without one. */
class ServerApiRulesTest {
    private static final String KEY = "k".repeat(32);
    private static final String NEXT_KEY = "n".repeat(32);
    private static final SystemSender ORDERS = new SystemSender("orders", "Order bot");

    private final TestCore test = TestCore.withServerApi(InProcessEventBus.standalone(), KEY, NEXT_KEY);
    private final ServerApiUseCase api = test.core.serverApi().orElseThrow();
    private final User ann = test.register("ann");
    private final User bob = test.register("bob");

    private static ClientAddress address(String literal) {
        try {
            return ClientAddress.of(InetAddress.getByName(literal)); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static PublishCommand publish(Room room, String content, String clientId) {
        return new PublishCommand(ORDERS, new SendMessageCommand(room.id(), content, List.of(), clientId));
    }

    @Test
    void withoutKeysThereIsNoServerApi() {
        assertTrue(new TestCore().core.serverApi().isEmpty());
    }

    @Test
    void eitherKeyIsAdmittedAndAnythingElseIsRefusedUnauthenticated() {
        ClientAddress backend = address("192.0.2.10");

        assertTrue(api.admit(KEY, backend).isEmpty());
        assertTrue(api.admit(NEXT_KEY, backend).isEmpty());
        for (String guess : new String[] {null, "", KEY + "k", KEY.substring(1), KEY.toUpperCase()}) {
            assertEquals(Reason.UNAUTHENTICATED, api.admit(guess, backend).orElseThrow().reason(), "guess " + guess);
        }
    }

    @Test
    void anAddressThatFailsTooOftenIsRefusedEvenAGoodKeyUntilItsAllowanceRefillsAndOthersAreNot() {
        ClientAddress mallory = address("203.0.113.7");
        for (int i = 0; i < Limits.Rates.DEFAULT_FAILED_LOGINS_PER_ADDRESS_PER_MINUTE; i++) {
            api.admit("guess-" + i, mallory);
        }

        assertEquals(Reason.RATE_LIMITED, api.admit(KEY, mallory).orElseThrow().reason());
        assertTrue(api.admit(KEY, address("192.0.2.10")).isEmpty());
        test.clock.advance(Duration.ofMinutes(1));
        assertTrue(api.admit(KEY, mallory).isEmpty());
    }

    @Test
    void aPublishIsStoredWithASeqFromItsSystemSenderDeliveredToJoinedMembersAndToldOnce() {
        Room room = test.groupRoom(ann);
        TestClient annClient = test.connect(ann);
        annClient.join(room);

        ChatMessage stored = result(api.publish(publish(room, "Order #1042 shipped", "order-1042"))).value();

        assertEquals(new UserId("system:orders"), stored.userId());
        assertEquals("Order bot", stored.username());
        assertEquals(1, stored.seq());
        annClient.events().awaitMessages(1);
        assertEquals(List.of(stored), annClient.events().messages());
        assertEquals(List.of(stored), result(test.core.history().history(
                new HistoryQuery(ann.id(), room.id(), 10, null, null))).value());
        assertTrue(test.activity.contains(new MessagePosted(stored)));
    }

    @Test
    void theSameClientIdAgainIsTheMessageStoredTheFirstTimeAndNoOneHearsOfItTwice() {
        Room room = test.groupRoom(ann);
        TestClient annClient = test.connect(ann);
        annClient.join(room);

        ChatMessage first = result(api.publish(publish(room, "shipped", "order-7"))).value();
        ChatMessage again = result(api.publish(publish(room, "shipped", "order-7"))).value();
        ChatMessage next = result(api.publish(publish(room, "delivered", null))).value();

        assertEquals(first, again);
        assertEquals(2, next.seq());
        annClient.events().awaitMessages(2);
        assertEquals(List.of("shipped", "delivered"), annClient.events().contents());
        assertEquals(2, test.activity.stream().filter(MessagePosted.class::isInstance).count());
    }

    @Test
    void aPublishIsRefusedForNoSuchRoomOrContentTooLongAndABatchIsAnsweredInOrder() {
        Room room = test.groupRoom(ann);
        Room nowhere = new Room(new RoomId("no-such-room"), "x", RoomType.GROUP, List.of(), test.clock.now(), ann.id(), null);

        List<Outcome<ChatMessage>> answers = result(api.publishAll(List.of(
                publish(room, "one", null),
                publish(nowhere, "lost", null),
                publish(room, "x".repeat(Limits.defaults().maxContentChars() + 1), null),
                publish(room, "two", null))));

        assertEquals(List.of(1L, 2L), List.of(answers.get(0).value().seq(), answers.get(3).value().seq()));
        assertEquals(Reason.NOT_FOUND, ((Outcome.Rejected<ChatMessage>) answers.get(1)).reason());
        assertEquals(Reason.CONTENT_TOO_LONG, ((Outcome.Rejected<ChatMessage>) answers.get(2)).reason());
    }

    @Test
    void aSystemSendersNameIsLettersDigitsAndPunctuationOnlyAndItsIdIsNamespaced() {
        assertEquals(new UserId("system:order-bot"), SystemSender.named(null, "Order bot").userId(),
                "no id: made of the username");
        assertThrows(InvalidCommandException.class, () -> new SystemSender("orders:evil", "x"));
        assertThrows(InvalidCommandException.class, () -> new SystemSender("orders", " "));
        assertEquals(new UserId("system:orders"), SystemSender.named("orders", "Order bot").userId());
    }

    @Test
    void aRoomOfTheBackendHoldsOnlyExistingUsersAndMembersAddedAndRemovedAreToldAsByTheBackend() {
        Room room = result(api.createRoom(new ServerRoomCommand("support", RoomType.PRIVATE,
                List.of(ann.id(), new UserId("ghost"))))).value();
        Room added = result(api.addMembers(room.id(), List.of(bob.id(), bob.id()))).value();
        Room removed = result(api.removeMembers(room.id(), List.of(ann.id()))).value();

        assertEquals(List.of(ann.id()), room.members());
        assertEquals(ServerApi.BACKEND, room.createdBy());
        assertEquals(List.of(ann.id(), bob.id()), added.members());
        assertEquals(List.of(bob.id()), removed.members());
        assertEquals(List.of(
                new RoomCreated(room),
                new MemberAdded(room.id(), bob.id(), ServerApi.BACKEND, test.clock.now()),
                new MemberRemoved(room.id(), ann.id(), ServerApi.BACKEND, test.clock.now())), test.activity);
        assertEquals(Reason.NOT_FOUND, reason(result(api.addMembers(new RoomId("no-such-room"), List.of(bob.id())))));
    }

    @Test
    void aRemovedMembersConnectionsStopReceivingOnceTheAnswerComesAndTheirHistoryIsRefused() {
        Room room = test.groupRoom(ann, bob);
        TestClient bobClient = test.connect(bob);
        bobClient.join(room);
        result(api.publish(publish(room, "before", null)));
        bobClient.events().awaitMessages(1);

        result(api.removeMembers(room.id(), List.of(bob.id())));
        result(api.publish(publish(room, "after", null)));

        assertEquals(List.of("before"), bobClient.events().contents());
        assertEquals(Reason.NOT_MEMBER, reason(result(test.core.history().history(
                new HistoryQuery(bob.id(), room.id(), 10, null, null)))));
        assertEquals(List.of("before", "after"), result(api.history(room.id(), 10, null, null)).value().stream()
                .map(ChatMessage::content).toList());
    }

    @Test
    void aDisconnectClosesEveryConnectionOfTheUserHereAndOnTheOtherNodesButNoOneElses() {
        InProcessEventBus.Network network = new InProcessEventBus.Network();
        TestCore nodeA = TestCore.withServerApi(network.join(), KEY);
        TestCore nodeB = TestCore.withServerApi(network.join(), KEY);
        ((InProcessEventBus) nodeA.bus).attach(nodeA.core.clusterEvents());
        ((InProcessEventBus) nodeB.bus).attach(nodeB.core.clusterEvents());
        User carol = nodeA.register("carol");
        User dan = nodeA.register("dan");
        TestClient carolOnA = nodeA.connect(carol);
        TestClient carolOnB = nodeB.connect(carol);
        TestClient danOnB = nodeB.connect(dan);

        int closedHere = result(nodeA.core.serverApi().orElseThrow().disconnect(carol.id()));

        assertEquals(1, closedHere);
        assertEquals(List.of(UserDisconnects.REASON), carolOnA.events().disconnects());
        io.relaychat.testkit.Await.until("carol's connection on node b is closed",
                () -> !carolOnB.events().disconnects().isEmpty());
        assertEquals(List.of(), danOnB.events().disconnects());
    }

    @Test
    void presenceAndHistoryAreReadWithoutMembershipAndRefusedForNoSuchRoom() {
        Room room = test.groupRoom(ann);
        TestClient annClient = test.connect(ann);
        annClient.join(room);

        assertEquals(java.util.Map.of(ann.id(), "ann"), result(api.presence(room.id())).value());
        assertEquals(Reason.NOT_FOUND, reason(result(api.presence(new RoomId("no-such-room")))));
        assertEquals(Reason.NOT_FOUND, reason(result(api.history(new RoomId("no-such-room"), 10, null, null))));
        assertThrows(InvalidCommandException.class, () -> api.history(room.id(), 0, null, null));
    }

    private static Reason reason(Outcome<?> outcome) {
        return ((Outcome.Rejected<?>) outcome).reason();
    }
}
