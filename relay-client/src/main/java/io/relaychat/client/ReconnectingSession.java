package io.relaychat.client;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;

/**
 * Keeps one WebSocket up for the client and makes its ends invisible to the application: after each reconnect
 * (with backoff, to the endpoints in turn) every followed room is joined again with {@code since_seq} of the last seq
 * delivered, every unacknowledged send goes again with its client_id, and each room's messages reach the listener
 * once, in seq order, with history asked for a gap that stays open. All of its state lives on the client's loop;
 * its public face, {@link RelayClient}, only posts tasks to it.
 */
final class ReconnectingSession implements SocketSession.Handler {
    private static final System.Logger log = System.getLogger(ReconnectingSession.class.getName());
    /** The greeting that answers a join (it names the room, not its id: joins are matched to it in order). */
    private static final String GREETING = "Joined room: ";
    private static final String AUTHENTICATION_FAILED = "Authentication failed";
    /** Join refusals: any other error frame without a client_id is not about a join (too_many_connections, …). */
    private static final Set<String> JOIN_REFUSALS = Set.of("not_member", "too_many_rooms", "rate_limited",
            "storage_unavailable", "internal_error", "invalid_field", "access_denied");
    /** Refusals that free up with time: the request goes again after a wait. */
    private static final Set<String> WAIT_AND_RETRY = Set.of("rate_limited", "storage_unavailable");
    private static final Set<String> JOIN_WAIT_AND_RETRY = Set.of("rate_limited", "storage_unavailable", "internal_error");

    private final ClientLoop loop;
    private final Dispatcher events;
    private final HttpClient http;
    private final Endpoints endpoints;
    private final RelayRest rest;
    private final Backoff backoff;
    private final Settings settings;

    // Loop-confined from here on.
    private final Map<String, FollowedRoom> rooms = new LinkedHashMap<>();
    private final PendingSends sends = new PendingSends();
    /** The open WebSocket, or null between two. */
    private SocketSession socket;
    private String socketToken;
    /** The rooms joined on this WebSocket and not yet answered, in the order asked: answers come in that order. */
    private final Deque<String> joinsUnanswered = new ArrayDeque<>();
    private String myUserId;
    /** Failed attempts (or short-lived connections) in a row: the backoff's exponent. */
    private int failures;
    private boolean connecting;
    private boolean closing;
    private boolean closed;
    private ScheduledFuture<?> reconnect;
    private ScheduledFuture<?> liveness;

    /** Completes when a WebSocket first opens; fails if the client ends before. */
    final CompletableFuture<Void> firstOpen = new CompletableFuture<>();
    /** Completes when the client has ended, for whatever reason, and told the listener. */
    final CompletableFuture<Void> terminated = new CompletableFuture<>();

    ReconnectingSession(ClientLoop loop, Dispatcher events, HttpClient http, Endpoints endpoints, RelayRest rest,
                        Backoff backoff, Settings settings) {
        this.loop = loop;
        this.events = events;
        this.http = http;
        this.endpoints = endpoints;
        this.rest = rest;
        this.backoff = backoff;
        this.settings = settings;
    }

    void start() {
        loop.execute(() -> {
            long tick = Math.max(50, settings.pingInterval().toMillis() / 2);
            liveness = loop.every(this::checkLiveness, tick);
            attempt();
        });
    }

    // What the application asks for (any thread): each a task on the loop.

    CompletionStage<Void> follow(String roomId, Long afterSeq) {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        CompletableFuture<Long> from = afterSeq != null ? CompletableFuture.completedFuture(afterSeq)
                : rest.latestSeqAsync(roomId);
        from.whenComplete((after, error) -> {
            if (!loop.offer(() -> startFollowing(roomId, after, error, stage))) {
                stage.completeExceptionally(clientClosed());
            }
        });
        return stage.minimalCompletionStage();
    }

    private void startFollowing(String roomId, Long after, Throwable error, CompletableFuture<Void> stage) {
        if (closing) {
            events.fail(stage, clientClosed());
            return;
        }
        if (error != null) {
            events.fail(stage, RelayRest.unwrap(error));
            return;
        }
        FollowedRoom room = rooms.get(roomId);
        if (room != null) {
            if (room.joined) {
                events.complete(stage, null);
            } else {
                room.waiting.add(stage);
            }
            return;
        }
        room = new FollowedRoom(roomId, new RoomSequencer(after, settings.maxHeldPerRoom()));
        room.waiting.add(stage);
        rooms.put(roomId, room);
        if (socket != null) {
            join(room);
        }
    }

    void unfollow(String roomId) {
        loop.execute(() -> {
            FollowedRoom room = rooms.remove(roomId);
            if (room == null) {
                return;
            }
            room.cancelTimers();
            room.takeWaiting().forEach(stage -> events.fail(stage, new CancellationException("unfollowed " + roomId)));
            if (socket != null) {
                socket.send(Wire.leaveRoom(roomId));
            }
        });
    }

    CompletionStage<Ack> send(String roomId, String content, List<String> attachments) {
        String clientId = UUID.randomUUID().toString();
        String frame = Wire.sendMessage(roomId, content, attachments, clientId);
        if (frame.getBytes(StandardCharsets.UTF_8).length > settings.maxFrameBytes()) {
            return CompletableFuture.failedStage(new RelayException(0, RelayException.FRAME_TOO_LARGE,
                    "Message too big: the limit is " + settings.maxFrameBytes() + " bytes", null));
        }
        CompletableFuture<Ack> stage = new CompletableFuture<>();
        boolean queued = loop.offer(() -> {
            if (closing) {
                events.fail(stage, clientClosed());
                return;
            }
            PendingSends.Pending pending = sends.add(clientId, roomId, frame, stage);
            if (socket != null) {
                transmit(pending);
            }
        });
        if (!queued) {
            stage.completeExceptionally(clientClosed());
        }
        return stage.minimalCompletionStage();
    }

    /**
     * Only when the room is joined on this WebSocket and no join is unanswered: a typing refusal carries no
     * client_id, and would be taken for a join's. Typing is news of the moment; one dropped is redone by the next.
     */
    void typing(String roomId) {
        loop.execute(() -> {
            FollowedRoom room = rooms.get(roomId);
            if (socket != null && room != null && room.joined && joinsUnanswered.isEmpty()) {
                socket.send(Wire.typing(roomId));
            }
        });
    }

    /** Starts the close; {@link #terminated} completes when it is done. */
    void close() {
        if (!loop.offer(() -> beginClose(null))) {
            terminated.complete(null);
        }
    }

    // Connecting.

    private void attempt() {
        reconnect = null;
        if (closing || socket != null || connecting) {
            return;
        }
        connecting = true;
        URI endpoint = endpoints.current();
        rest.tokens().current()
                .thenCompose(signedIn -> SocketSession.open(http, endpoint, Endpoints.webSocket(endpoint,
                                "/api/ws?token=" + URLEncoder.encode(signedIn.accessToken(), StandardCharsets.UTF_8)),
                        settings.connectTimeout(), loop, this).thenApply(session -> new Opened(session, signedIn)))
                .whenCompleteAsync((opened, error) -> {
                    connecting = false;
                    if (error == null) {
                        opened(opened.session, opened.signedIn);
                    } else {
                        openFailed(endpoint, RelayRest.unwrap(error));
                    }
                }, loop);
    }

    private record Opened(SocketSession session, SignedIn signedIn) {
    }

    private void opened(SocketSession session, SignedIn signedIn) {
        if (closing) {
            session.activate();
            session.abort("the client is closing");
            return;
        }
        socket = session;
        socketToken = signedIn.accessToken();
        myUserId = signedIn.user().id();
        joinsUnanswered.clear();
        endpoints.worked(session.endpoint());
        events.tell(listener -> listener.onConnection(new ConnectionEvent.Connected(session.endpoint())));
        // Joins first: a connection's requests are answered in order, so each resumed backlog is in before a retried
        // send's echo, and a send never reaches a room this WebSocket has not joined yet.
        rooms.values().forEach(this::join);
        for (PendingSends.Pending pending : sends.all()) {
            if (pending.retry == null) {
                transmit(pending);
            }
        }
        firstOpen.complete(null);
        session.activate();
    }

    private void openFailed(URI endpoint, Throwable cause) {
        if (closing) {
            return;
        }
        if (cause instanceof RelayException refused && refused.status() >= 400 && refused.status() < 500
                && refused.status() != 429) {
            // The sign-in itself was refused (wrong password, email taken, a token no longer good): trying again
            // would be refused the same way.
            beginClose(refused);
            return;
        }
        endpoints.failed(endpoint);
        Duration delay = cause instanceof RelayException busy && busy.retryAfter() != null
                ? busy.retryAfter() : backoff.delay(failures);
        failures++;
        String reason = String.valueOf(cause.getMessage() == null ? cause : cause.getMessage());
        log.log(System.Logger.Level.DEBUG, () -> "could not connect to " + endpoint + ": " + reason + "; next in " + delay);
        events.tell(listener -> listener.onConnection(
                new ConnectionEvent.Disconnected(endpoint, SocketSession.ABNORMAL, reason, delay)));
        reconnect = loop.schedule(this::attempt, delay.toMillis());
    }

    @Override
    public void onClosed(SocketSession session, int code, String reason) {
        if (session != socket) {
            return;
        }
        socket = null;
        joinsUnanswered.clear();
        rooms.values().forEach(FollowedRoom::socketEnded);
        sends.all().forEach(pending -> pending.sentOn = null);
        if (closing) {
            finishClose(null);
            return;
        }
        if (code == 1008 && AUTHENTICATION_FAILED.equals(reason)) {
            if (!rest.tokens().canSignInAgain()) {
                beginClose(new RelayException(0, "unauthenticated", "the server refused the token", null));
                return;
            }
            rest.tokens().refused(socketToken);
        }
        boolean lasted = System.nanoTime() - session.openedAtNanos() >= settings.stableAfter().toNanos();
        if (lasted) {
            failures = 0;
        }
        Duration delay = backoff.delay(failures);
        failures++;
        endpoints.failed(session.endpoint()); // a node that closed us may be going away: the next one first
        events.tell(listener -> listener.onConnection(
                new ConnectionEvent.Disconnected(session.endpoint(), code, reason, delay)));
        reconnect = loop.schedule(this::attempt, delay.toMillis());
    }

    /** A silent server is pinged; one silent past two intervals is taken for dead (a lost peer sends no FIN). */
    private void checkLiveness() {
        SocketSession current = socket;
        if (current == null) {
            return;
        }
        long silent = System.nanoTime() - current.lastHeardNanos();
        long interval = settings.pingInterval().toNanos();
        if (silent > 2 * interval) {
            current.abort("the server was silent for " + silent / 1_000_000 + " ms");
        } else if (silent > interval) {
            current.send(Wire.ping());
        }
    }

    // Frames in.

    @Override
    public void onText(SocketSession session, String text) {
        if (session != socket) {
            return;
        }
        RelayEvent event;
        try {
            event = Wire.event(Wire.read(text));
        } catch (RuntimeException unreadable) {
            log.log(System.Logger.Level.WARNING, "a frame that is not the protocol's JSON was ignored", unreadable);
            return;
        }
        if (event instanceof ChatMessage message) {
            onChatMessage(message);
        } else if (event instanceof SystemNotice notice) {
            if (notice.message() != null && notice.message().startsWith(GREETING) && !joinsUnanswered.isEmpty()) {
                joined(joinsUnanswered.poll());
            }
            events.tell(listener -> listener.onNotice(notice));
        } else if (event instanceof ServerError error) {
            onServerError(error);
        } else if (event instanceof Typing typing) {
            if (rooms.containsKey(typing.roomId())) {
                events.tell(listener -> listener.onTyping(typing));
            }
        } else if (event instanceof PresenceUpdate presence) {
            if (rooms.containsKey(presence.roomId())) {
                events.tell(listener -> listener.onPresence(presence));
            }
        } else if (event instanceof UserJoined joined) {
            if (rooms.containsKey(joined.roomId())) {
                events.tell(listener -> listener.onUserJoined(joined));
            }
        }
    }

    /** Delivered (if its room is followed) before its send's stage completes: an acknowledged message is already shown. */
    private void onChatMessage(ChatMessage message) {
        FollowedRoom room = rooms.get(message.roomId());
        if (room != null) {
            deliver(room.sequencer.offer(message));
            watchForGap(room);
        }
        if (message.clientId() != null && message.userId() != null && message.userId().equals(myUserId)) {
            PendingSends.Pending acknowledged = sends.remove(message.clientId());
            if (acknowledged != null) {
                events.complete(acknowledged.stage, Ack.of(message));
            }
        }
    }

    private void deliver(List<ChatMessage> ready) {
        for (ChatMessage message : ready) {
            events.tell(listener -> listener.onMessage(message));
        }
    }

    private void onServerError(ServerError error) {
        if (error.clientId() != null) {
            PendingSends.Pending pending = sends.get(error.clientId());
            if (pending != null) {
                sendRefused(pending, error);
                return;
            }
        } else if (!joinsUnanswered.isEmpty() && JOIN_REFUSALS.contains(error.code())) {
            joinRefused(joinsUnanswered.poll(), error);
            return;
        }
        events.tell(listener -> listener.onError(error));
    }

    // Rooms.

    private void join(FollowedRoom room) {
        joinsUnanswered.add(room.roomId);
        socket.send(Wire.joinRoom(room.roomId, room.sequencer.delivered()));
    }

    private void joined(String roomId) {
        FollowedRoom room = rooms.get(roomId);
        if (room == null) {
            return; // unfollowed while its join was on the way
        }
        room.joined = true;
        room.joinRefusals = 0;
        room.takeWaiting().forEach(stage -> events.complete(stage, null));
    }

    private void joinRefused(String roomId, ServerError error) {
        FollowedRoom room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        if (JOIN_WAIT_AND_RETRY.contains(error.code())) {
            Duration delay = error.retryAfter() != null ? error.retryAfter() : backoff.delay(room.joinRefusals);
            room.joinRefusals++;
            SocketSession on = socket;
            room.joinRetry = loop.schedule(() -> {
                room.joinRetry = null;
                if (socket == on && on != null && rooms.get(roomId) == room && !room.joined) {
                    join(room);
                }
            }, delay.toMillis());
            return;
        }
        rooms.remove(roomId);
        room.cancelTimers();
        List<CompletableFuture<Void>> waiting = room.takeWaiting();
        if (waiting.isEmpty()) {
            events.tell(listener -> listener.onFollowEnded(roomId, error));
        } else {
            waiting.forEach(stage -> events.fail(stage, RelayException.of(error)));
        }
    }

    private void watchForGap(FollowedRoom room) {
        if (room.sequencer.hasGap() && room.gapCheck == null && !room.gapFillUnderWay) {
            room.gapCheck = loop.schedule(() -> fillGap(room), settings.gapTimeout().toMillis());
        }
    }

    /**
     * A seq stayed missing for the gap timeout: history has it, or shows it is gone. Asked a page at a time; a full
     * page means the gap is old, so the next one is asked at once.
     */
    private void fillGap(FollowedRoom room) {
        room.gapCheck = null;
        long[] range = room.sequencer.gapToFill(RelayRest.MAX_PAGE);
        if (rooms.get(room.roomId) != room || range == null) {
            return;
        }
        room.gapFillUnderWay = true;
        long after = range[0];
        long upTo = range[1];
        rest.historyAfterAsync(room.roomId, after, (int) (upTo - after)).whenCompleteAsync((found, error) -> {
            room.gapFillUnderWay = false;
            if (rooms.get(room.roomId) != room) {
                return;
            }
            long nextIn = settings.gapTimeout().toMillis();
            if (error == null) {
                deliver(room.sequencer.filled(after, upTo, found));
                if (upTo - after >= RelayRest.MAX_PAGE) {
                    nextIn = 0;
                }
            } else {
                log.log(System.Logger.Level.DEBUG, () -> "history for a gap in " + room.roomId + " failed: " + error);
            }
            if (room.sequencer.hasGap() && room.gapCheck == null) {
                room.gapCheck = loop.schedule(() -> fillGap(room), nextIn);
            }
        }, loop);
    }

    // Sends.

    private void transmit(PendingSends.Pending pending) {
        pending.sentOn = socket;
        socket.send(pending.frame);
    }

    private void sendRefused(PendingSends.Pending pending, ServerError error) {
        if (WAIT_AND_RETRY.contains(error.code())) {
            Duration delay = error.retryAfter() != null ? error.retryAfter() : backoff.delay(pending.refusals);
            pending.refusals++;
            pending.sentOn = null;
            pending.cancelRetry();
            pending.retry = loop.schedule(() -> {
                pending.retry = null;
                if (sends.get(pending.clientId) == pending && socket != null && pending.sentOn == null) {
                    transmit(pending);
                }
            }, delay.toMillis());
            return;
        }
        sends.remove(pending.clientId);
        events.fail(pending.stage, RelayException.of(error));
    }

    // Closing.

    private void beginClose(RelayException cause) {
        if (closing) {
            return;
        }
        closing = true;
        if (reconnect != null) {
            reconnect.cancel(false);
        }
        if (liveness != null) {
            liveness.cancel(false);
        }
        rooms.values().forEach(FollowedRoom::cancelTimers);
        if (socket != null && cause == null) {
            // Done when the server's close comes back, or when the session gives up waiting for it.
            socket.close(settings.closeTimeout());
            return;
        }
        if (socket != null) {
            socket.close(settings.closeTimeout());
        }
        // An attempt under way is let go: what it opens is cut as soon as it opens (see opened).
        finishClose(cause);
    }

    private void finishClose(RelayException cause) {
        if (closed) {
            return;
        }
        closed = true;
        RelayException closedError = cause != null ? cause : clientClosed();
        sends.all().forEach(pending -> events.fail(pending.stage, closedError));
        sends.clear();
        rooms.values().forEach(room -> room.takeWaiting().forEach(stage -> events.fail(stage, closedError)));
        rooms.clear();
        events.tell(listener -> listener.onConnection(new ConnectionEvent.Closed(cause)));
        firstOpen.completeExceptionally(closedError);
        terminated.complete(null);
    }

    private static RelayException clientClosed() {
        return new RelayException(0, RelayException.CLIENT_CLOSED, "the client was closed", null);
    }
}
