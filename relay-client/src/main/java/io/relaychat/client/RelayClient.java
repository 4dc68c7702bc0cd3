package io.relaychat.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A RelayChat client for a JVM program: one account, one WebSocket kept open across server restarts and moves
 * between servers, and the REST calls ({@link #rest()}).
 * <p>
 * What it promises: a followed room's messages reach {@link RelayListener#onMessage} once each, in seq order, with
 * nothing skipped that the server still has, however often the connection drops; a send is retried with the same
 * client_id until the server acknowledges it, so it is stored once, and its stage completes with that
 * acknowledgement.
 * <p>
 * Thread-safe: any method may be called from any thread, the listener's included (but for waiting on a stage there,
 * which would wait for the listener's own thread). The client runs two daemon threads of its own, its loop and its
 * listener's thread, and {@link #close()} ends both.
 */
public final class RelayClient implements AutoCloseable {
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final RelayRest rest;
    private final ReconnectingSession session;
    private final ClientLoop loop;
    private final Dispatcher events;
    private final Settings settings;

    private RelayClient(Builder builder) {
        settings = builder.settings();
        int number = CLIENTS.incrementAndGet();
        loop = new ClientLoop("relay-client-" + number + "-loop");
        events = new Dispatcher(builder.listener, "relay-client-" + number + "-events");
        HttpClient http = builder.http != null ? builder.http
                : HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
        Endpoints endpoints = new Endpoints(builder.endpoints);
        rest = new RelayRest(http, endpoints, settings.requestTimeout(), builder.credentials);
        session = new ReconnectingSession(loop, events, http, endpoints, rest,
                new Backoff(builder.backoffInitial, builder.backoffMax, () -> ThreadLocalRandom.current().nextDouble()),
                settings);
    }

    /** Signs in and connects to one server, blocking until the WebSocket is open. */
    public static RelayClient connect(URI endpoint, Credentials credentials, RelayListener listener) {
        return builder().endpoint(endpoint).credentials(credentials).listener(listener).connect();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The REST calls, made as this client's user. */
    public RelayRest rest() {
        return rest;
    }

    /** Who the client is signed in as. */
    public User user() {
        return RelayRest.await(rest.tokens().current()).user();
    }

    /**
     * Starts delivering a room's messages from now on (the room's newest seq at the time of the call is where it
     * starts, asked over REST, so it fails with {@code unreachable} while no server answers): completes once the
     * server has joined this connection to it; fails with {@code not_member} for a room the user is not in. Following
     * a room already followed changes nothing. Once followed, a room stays followed across reconnects until
     * {@link #unfollow} or the server refuses it ({@link RelayListener#onFollowEnded}).
     */
    public CompletionStage<Void> follow(String roomId) {
        return session.follow(Objects.requireNonNull(roomId, "roomId"), null);
    }

    /** Starts delivering a room's messages after {@code afterSeq}: the stored ones first, then live ones; 0 for all. */
    public CompletionStage<Void> follow(String roomId, long afterSeq) {
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq must be at least 0, got " + afterSeq);
        }
        return session.follow(Objects.requireNonNull(roomId, "roomId"), afterSeq);
    }

    /** Stops delivering a room (the user stays a member: that is {@link RelayRest#leaveRoom}). */
    public void unfollow(String roomId) {
        session.unfollow(Objects.requireNonNull(roomId, "roomId"));
    }

    public CompletionStage<Ack> send(String roomId, String content) {
        return send(roomId, content, List.of());
    }

    /**
     * Sends a message; {@code attachments} are urls {@link RelayRest#upload} answered. The stage completes with the
     * acknowledgement once the server stored it, after any number of reconnects, and fails for a refusal that waiting
     * cannot cure ({@code not_member}, {@code content_too_long}, …) or when the client is closed first.
     */
    public CompletionStage<Ack> send(String roomId, String content, List<String> attachments) {
        return session.send(Objects.requireNonNull(roomId, "roomId"), Objects.requireNonNull(content, "content"),
                List.copyOf(attachments));
    }

    /** Tells a followed room the user is typing; dropped while the connection is not ready for it. */
    public void typing(String roomId) {
        session.typing(Objects.requireNonNull(roomId, "roomId"));
    }

    /**
     * Closes the WebSocket with a close frame, fails what is still pending with {@code client_closed}, tells the
     * listener {@link ConnectionEvent.Closed} and ends the client's threads. Waits for all of it, a few seconds at most.
     */
    @Override
    public void close() {
        session.close();
        long waitMillis = settings.closeTimeout().toMillis() + 1_000;
        try {
            session.terminated.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // ended anyway below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdown();
        events.shutdown();
        try {
            loop.awaitTermination(waitMillis);
            events.awaitTermination(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitFirstOpen() {
        try {
            session.firstOpen.get(settings.connectTimeout().toMillis() * 2 + settings.requestTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            close();
            Throwable cause = RelayRest.unwrap(e.getCause());
            throw cause instanceof RelayException refused ? refused
                    : new RelayException(RelayException.UNREACHABLE, String.valueOf(cause), cause);
        } catch (TimeoutException e) {
            close();
            throw new RelayException(RelayException.UNREACHABLE, "no WebSocket opened in time", e);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new RelayException(RelayException.CLIENT_CLOSED, "interrupted while connecting", e);
        }
    }

    /** A client's settings; every one but the endpoints and the credentials has a default. Not thread-safe. */
    public static final class Builder {
        private Supplier<List<URI>> endpoints;
        private Credentials credentials;
        private RelayListener listener = new RelayListener() {
        };
        private HttpClient http;
        private Duration backoffInitial = Duration.ofMillis(200);
        private Duration backoffMax = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration pingInterval = Duration.ofSeconds(20);
        private Duration gapTimeout = Duration.ofSeconds(2);
        private Duration closeTimeout = Duration.ofSeconds(3);
        private Duration stableAfter = Duration.ofSeconds(2);
        private int maxFrameBytes = 65_536;
        private int maxHeldPerRoom = 10_000;

        private Builder() {
        }

        /** One server, {@code http://host:port} (or https). */
        public Builder endpoint(URI endpoint) {
            return endpoints(List.of(endpoint));
        }

        /** Several servers of one service, tried in turn while one does not answer. */
        public Builder endpoints(List<URI> endpoints) {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("at least one endpoint");
            }
            List<URI> copy = List.copyOf(endpoints);
            this.endpoints = () -> copy;
            return this;
        }

        /** Servers as they are at each attempt, for a service whose nodes come and go. */
        public Builder endpoints(Supplier<List<URI>> endpoints) {
            this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
            return this;
        }

        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        public Builder listener(RelayListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The HTTP client to use, for example one with an SSLContext that trusts a private CA. */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /** Waits between attempts: from {@code initial}, doubling, at most {@code max}, each with jitter. */
        public Builder reconnectBackoff(Duration initial, Duration max) {
            this.backoffInitial = Objects.requireNonNull(initial, "initial");
            this.backoffMax = Objects.requireNonNull(max, "max");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** Silent this long, the server is pinged; silent twice as long, the connection is given up. */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = positive(interval, "pingInterval");
            return this;
        }

        /** How long a missing seq may stay missing before history is asked for it. */
        public Builder gapTimeout(Duration timeout) {
            this.gapTimeout = positive(timeout, "gapTimeout");
            return this;
        }

        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout, "closeTimeout");
            return this;
        }

        /** The server's frame limit (RELAY_MAX_FRAME_BYTES there), if it is not the default 65536. */
        public Builder maxFrameBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxFrameBytes must be positive");
            }
            this.maxFrameBytes = bytes;
            return this;
        }

        /** Signs in and opens the WebSocket, blocking until it is open; throws the sign-in's refusal if it is refused. */
        public RelayClient connect() {
            if (endpoints == null) {
                throw new IllegalStateException("no endpoint: call endpoint(…) or endpoints(…)");
            }
            if (credentials == null) {
                throw new IllegalStateException("no credentials: call credentials(…)");
            }
            RelayClient client = new RelayClient(this);
            client.session.start();
            client.awaitFirstOpen();
            return client;
        }

        private Settings settings() {
            return new Settings(connectTimeout, requestTimeout, pingInterval, gapTimeout, closeTimeout, stableAfter,
                    maxFrameBytes, maxHeldPerRoom);
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
