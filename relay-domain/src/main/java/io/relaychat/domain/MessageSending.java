package io.relaychat.domain;

import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.Appended;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Failures;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomEvent.MessagePosted;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.IdSource;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.ports.out.RelayMetrics;
import io.relaychat.ports.out.RoomActivity;
import io.relaychat.ports.out.SendForwarding;
import io.relaychat.ports.out.TimeSource;

import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The send path: checks a send against the room's membership, stores it here or hands it to the node that stores its
 * room, and has the stored message delivered. Nothing is delivered that was not stored. The node that stores a
 * message is the one that tells {@link RoomActivity} of it, once, after delivering it, through the room's
 * {@link RoomActivityOrder}, which tells a room's messages by seq.
 */
final class MessageSending {
    private final RoomDirectory directory;
    private final MessageStore messages;
    private final SendForwarding forwarding;
    private final RoomRouter router;
    private final TimeSource time;
    private final IdSource ids;
    private final RelayMetrics metrics;
    private final RoomActivityOrder activity;

    MessageSending(RoomDirectory directory, MessageStore messages, SendForwarding forwarding, RoomRouter router,
                   TimeSource time, IdSource ids, RelayMetrics metrics, RoomActivityOrder activity) {
        this.directory = directory;
        this.messages = messages;
        this.forwarding = forwarding;
        this.router = router;
        this.time = time;
        this.ids = ids;
        this.metrics = metrics;
        this.activity = activity;
    }

    /**
     * Stores and delivers {@code command} from the user of {@code connection}, admitted already (its length
     * and the sender's rate: {@link ChatRequests#admit}). A retry of a message stored
     * before is answered with that message, which only the retrying connection hears of again. A store that
     * cannot be reached fails the stage.
     */
    CompletionStage<Outcome<ChatMessage>> send(LiveConnection connection, SendMessageCommand command) {
        User sender = connection.user();
        return directory.asSeenBy(command.roomId(), sender.id()).thenCompose(room -> {
            Optional<Refusal> refusal = RoomAccessPolicy.toPost(room, sender.id());
            if (refusal.isPresent()) {
                metrics.messageRefused(refusal.get().reason());
                return CompletableFuture.completedFuture(Outcome.rejected(refusal.get()));
            }
            NewMessage message = new NewMessage(new MessageId(ids.newId()), command.roomId(), sender.id(),
                    sender.username(), command.content(), time.now().truncatedTo(ChronoUnit.MILLIS),
                    command.attachments(), command.clientId());
            return store(message).thenApply(appended -> {
                if (appended.duplicate()) {
                    connection.tell(new MessagePosted(appended.message()));
                }
                metrics.messageAccepted();
                return Outcome.accepted(appended.message());
            });
        });
    }

    /**
     * Stores and delivers a message of a trusted backend as {@code sender}, who is no member: any room that exists
     * takes it. Checked already as {@link ServerApi#publish} checks it. A retry (same sender and client id) is
     * answered with the message stored before, which no one hears of again.
     */
    CompletionStage<Outcome<ChatMessage>> publish(UserId senderId, String username, SendMessageCommand command) {
        return directory.find(command.roomId()).thenCompose(room -> {
            if (room.isEmpty()) {
                metrics.messageRefused(Refusal.roomNotFound().reason());
                return CompletableFuture.completedFuture(Outcome.<ChatMessage>rejected(Refusal.roomNotFound()));
            }
            NewMessage message = new NewMessage(new MessageId(ids.newId()), command.roomId(), senderId, username,
                    command.content(), time.now().truncatedTo(ChronoUnit.MILLIS), command.attachments(),
                    command.clientId());
            return store(message).thenApply(appended -> {
                metrics.messageAccepted();
                return Outcome.accepted(appended.message());
            });
        });
    }

    /**
     * Stores a send and tells everyone, here or through the node that stores the room's messages. A stored
     * message is routed here either way (the storing node's publication may arrive too; the room's orderer
     * lets it through once).
     */
    private CompletionStage<Appended> store(NewMessage message) {
        if (forwarding.storesHere(message.roomId())) {
            return storeHere(message);
        }
        metrics.sendForwarded();
        return forwarding.forward(message).thenApply(appended -> {
            if (!appended.duplicate()) {
                router.route(appended.message());
            }
            return appended;
        }).exceptionallyCompose(error -> Failures.isUnavailable(error)
                ? CompletableFuture.failedFuture(Failures.cause(error))
                // The storing node did not answer: store it here; if it got there after all, its id tells.
                : storeHere(message).thenApply(appended -> storedThereAfterAll(message, appended)));
    }

    /**
     * A send stored here after its storing node did not answer, found stored under its own id: that node
     * stored it and only its answer was lost. It is this send, not a client's retry, so it is not echoed as
     * one (straight to the connection, past the room's orderer): it is routed like any stored message, and
     * the orderer lets it through once, whether the storing node's publication arrived already, arrives
     * later, or was lost and the catch-up from the store finds it.
     */
    private Appended storedThereAfterAll(NewMessage message, Appended appended) {
        if (!appended.duplicate() || !appended.message().id().equals(message.id())) {
            return appended;
        }
        router.route(appended.message());
        return new Appended(appended.message(), false);
    }

    /** Stores a send taken here or forwarded by another node, routes it here and publishes it for the others. */
    CompletionStage<Appended> storeHere(NewMessage message) {
        long started = metrics.timestamp();
        // Noted before the store is asked: a message stored meanwhile may be above this one's seq, and then waits.
        RoomActivityOrder.Append told = activity.appendStarting(message.roomId());
        CompletionStage<Appended> appending;
        try {
            appending = messages.append(message);
        } catch (RuntimeException e) {
            activity.appendFinished(told, null);
            throw e;
        }
        // One stage either way, as before metrics: timing it takes no stage of its own.
        return appending.handle((appended, error) -> {
            metrics.storeAppended(started, error != null);
            if (error != null) {
                activity.appendFinished(told, null);
                throw error instanceof CompletionException wrapped ? wrapped : new CompletionException(error);
            }
            try {
                if (!appended.duplicate()) {
                    router.routeAndPublish(appended.message());
                }
            } finally {
                // Delivered first: what the listener's order makes wait is never a chat delivery.
                activity.appendFinished(told, appended.duplicate() ? null : appended.message());
            }
            return appended;
        });
    }
}
