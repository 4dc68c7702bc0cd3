package io.relaychat.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The REST half of the protocol (docs/protocol.md, "REST"), one method per route a chat client uses. Each call
 * tries the client's endpoints in turn while none answers (a request that reached a server is never sent to another,
 * unless it only reads), signs in again once when a token is refused, and turns an error answer into a
 * {@link RelayException} with its code. The methods block until answered (at most the request timeout); call them
 * off the listener's thread when that matters. Thread-safe.
 */
public final class RelayRest {
    /** The most history the server answers in one page. */
    public static final int MAX_PAGE = 100;

    private final HttpClient http;
    private final Endpoints endpoints;
    private final Duration timeout;
    private final AccessTokens tokens;

    RelayRest(HttpClient http, Endpoints endpoints, Duration timeout, Credentials credentials) {
        this.http = http;
        this.endpoints = endpoints;
        this.timeout = timeout;
        this.tokens = credentials == null ? null : new AccessTokens(credentials, this::signIn);
    }

    /** Register and login only, with no account of its own yet: for signing up before a client connects. */
    public static RelayRest anonymous(List<URI> endpoints) {
        List<URI> copy = List.copyOf(endpoints);
        return new RelayRest(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                new Endpoints(() -> copy), Duration.ofSeconds(30), null);
    }

    AccessTokens tokens() {
        return tokens;
    }

    // Accounts.

    public SignedIn register(String email, String username, String password) {
        return await(registerAsync(email, username, password));
    }

    public SignedIn login(String email, String password) {
        return await(loginAsync(email, password));
    }

    /** The signed-in user, with their {@code created_at}. */
    public User me() {
        return await(get("/api/auth/me", Wire::user));
    }

    // Rooms.

    /** A room with the caller in it, and {@code memberIds} (unknown or repeated ids are dropped by the server). */
    public Room createRoom(String name, String type, Collection<String> memberIds) {
        ObjectNode body = Wire.JSON.createObjectNode().put("name", name).put("type", type);
        ArrayNode members = body.putArray("members");
        memberIds.forEach(members::add);
        return await(post("/api/rooms", body, Wire::room));
    }

    /** The rooms the caller is a member of. */
    public List<Room> rooms() {
        return await(get("/api/rooms", Wire::rooms));
    }

    /** Up to 50 of the newest group rooms the caller is not in. */
    public List<Room> discoverRooms() {
        return await(get("/api/rooms/discover/all", Wire::rooms));
    }

    /** Becomes a member of a group room: "Joined successfully" or "Already a member". Following it is {@link RelayClient#follow}. */
    public String joinRoom(String roomId) {
        return await(post("/api/rooms/" + segment(roomId) + "/join", null, json -> json.path("message").asText()));
    }

    /** Ends the caller's membership: every connection of theirs stops receiving the room. */
    public void leaveRoom(String roomId) {
        await(post("/api/rooms/" + segment(roomId) + "/leave", null, json -> null));
    }

    /** Adds the user with this email to a room the caller is in; answers who was added (id and username). */
    public User addMember(String roomId, String userEmail) {
        return await(post("/api/rooms/" + segment(roomId) + "/members/add?user_email=" + query(userEmail), null,
                json -> new User(json.path("user_id").asText(), userEmail, json.path("username").asText(), null)));
    }

    /** The one private room of the caller and the user with this email or username, made on first use. */
    public Room directRoom(String emailOrUsername) {
        return await(post("/api/rooms/direct?identifier=" + query(emailOrUsername), null, Wire::room));
    }

    /** Up to 20 users whose username or email contains {@code text}, ignoring case; none for fewer than 2 characters. */
    public List<User> searchUsers(String text) {
        return await(get("/api/users/search?q=" + query(text), Wire::users));
    }

    // History, oldest first in every answer.

    /** The newest {@code limit} (1–100) messages. */
    public List<ChatMessage> history(String roomId, int limit) {
        return await(historyAsync(roomId, "limit=" + limit));
    }

    /** The newest {@code limit} messages with a seq below {@code beforeSeq}: the page before one already shown. */
    public List<ChatMessage> historyBefore(String roomId, long beforeSeq, int limit) {
        return await(historyAsync(roomId, "limit=" + limit + "&before_seq=" + beforeSeq));
    }

    /** The newest {@code limit} messages older than {@code before}. */
    public List<ChatMessage> historyBefore(String roomId, Instant before, int limit) {
        return await(historyAsync(roomId, "limit=" + limit + "&before=" + query(before.toString())));
    }

    /**
     * Every stored message with a seq after {@code afterSeq} and at most {@code afterSeq + limit}: the next page
     * forward, as a client catching up reads it. Fewer than {@code limit} when some of those seqs are not stored.
     */
    public List<ChatMessage> historyAfter(String roomId, long afterSeq, int limit) {
        return await(historyAfterAsync(roomId, afterSeq, limit));
    }

    // Uploads.

    /** Stores a file; the answer's url goes in a send's attachments. */
    public Upload upload(String filename, byte[] content) {
        String boundary = "----relay-client-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 256);
        String safeName = filename.replace("\"", "").replace("\r", "").replace("\n", "");
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + safeName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return await(authenticated(token -> exchange("POST", "/api/upload",
                HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()), "multipart/form-data; boundary=" + boundary,
                token), json -> new Upload(json.path("url").asText(), json.path("filename").asText())));
    }

    // What the client's own machinery uses, without blocking.

    CompletableFuture<SignedIn> registerAsync(String email, String username, String password) {
        ObjectNode body = Wire.JSON.createObjectNode().put("email", email).put("username", username).put("password", password);
        return exchange("POST", "/api/auth/register", json(body), "application/json", null).thenApply(RelayRest::signedIn);
    }

    CompletableFuture<SignedIn> loginAsync(String email, String password) {
        ObjectNode body = Wire.JSON.createObjectNode().put("email", email).put("password", password);
        return exchange("POST", "/api/auth/login", json(body), "application/json", null).thenApply(RelayRest::signedIn);
    }

    /** The seq of the room's newest message, 0 for a room without any: where following "from now" starts. */
    CompletableFuture<Long> latestSeqAsync(String roomId) {
        return historyAsync(roomId, "limit=1").thenApply(page -> page.isEmpty() ? 0L : page.get(page.size() - 1).seq());
    }

    /** See {@link #historyAfter}: the page ends before {@code afterSeq + limit + 1}, so it holds exactly that range. */
    CompletableFuture<List<ChatMessage>> historyAfterAsync(String roomId, long afterSeq, int limit) {
        int page = Math.max(1, Math.min(limit, MAX_PAGE));
        return historyAsync(roomId, "limit=" + page + "&before_seq=" + (afterSeq + page + 1))
                .thenApply(found -> found.stream().filter(message -> message.seq() > afterSeq).toList());
    }

    private CompletableFuture<List<ChatMessage>> historyAsync(String roomId, String query) {
        return get("/api/rooms/" + segment(roomId) + "/messages?" + query, Wire::messages);
    }

    private CompletableFuture<SignedIn> signIn(Credentials credentials) {
        if (credentials instanceof Credentials.Password password) {
            return loginAsync(password.email(), password.password());
        }
        if (credentials instanceof Credentials.Registration registration) {
            return registerAsync(registration.email(), registration.username(), registration.password());
        }
        String token = ((Credentials.Token) credentials).accessToken();
        return exchange("GET", "/api/auth/me", HttpRequest.BodyPublishers.noBody(), null, token)
                .thenApply(json -> new SignedIn(token, Wire.user(json)));
    }

    private static SignedIn signedIn(JsonNode json) {
        return new SignedIn(json.path("access_token").asText(), Wire.user(json.path("user")));
    }

    private <T> CompletableFuture<T> get(String path, Function<JsonNode, T> answer) {
        return authenticated(token -> exchange("GET", path, HttpRequest.BodyPublishers.noBody(), null, token), answer);
    }

    private <T> CompletableFuture<T> post(String path, JsonNode body, Function<JsonNode, T> answer) {
        return authenticated(token -> body == null
                ? exchange("POST", path, HttpRequest.BodyPublishers.noBody(), null, token)
                : exchange("POST", path, json(body), "application/json", token), answer);
    }

    /**
     * A call with the current token; if the server refuses the token (expired, or signed with a secret it no longer
     * has), once more with a new sign-in.
     */
    private <T> CompletableFuture<T> authenticated(Function<String, CompletableFuture<JsonNode>> call,
                                                   Function<JsonNode, T> answer) {
        if (tokens == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("this RelayRest has no account: only register and login"));
        }
        return tokens.current().thenCompose(signed -> call.apply(signed.accessToken())
                .handle((json, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(json);
                    }
                    Throwable cause = unwrap(error);
                    if (cause instanceof RelayException refused && "unauthenticated".equals(refused.code())
                            && tokens.canSignInAgain()) {
                        tokens.refused(signed.accessToken());
                        return tokens.current().thenCompose(again -> call.apply(again.accessToken()));
                    }
                    return CompletableFuture.<JsonNode>failedFuture(cause);
                })
                .thenCompose(Function.identity()))
                .thenApply(answer);
    }

    /** One request, to the endpoints in turn while it cannot reach one; its JSON answer, or its refusal. */
    private CompletableFuture<JsonNode> exchange(String method, String path, HttpRequest.BodyPublisher body,
                                                 String contentType, String token) {
        return exchange(method, path, body, contentType, token, endpoints.inTurn(), 0, null);
    }

    private CompletableFuture<JsonNode> exchange(String method, String path, HttpRequest.BodyPublisher body,
                                                 String contentType, String token, List<URI> turn, int index,
                                                 Throwable lastFailure) {
        if (index >= turn.size()) {
            return CompletableFuture.failedFuture(new RelayException(RelayException.UNREACHABLE,
                    "no server answered " + method + " " + pathOnly(path) + " (tried " + turn.size() + ")", lastFailure));
        }
        URI endpoint = turn.get(index);
        HttpRequest.Builder request = HttpRequest.newBuilder(Endpoints.resolve(endpoint, path)).timeout(timeout)
                .method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error == null) {
                        endpoints.worked(endpoint);
                        return CompletableFuture.completedFuture(answered(response));
                    }
                    Throwable cause = unwrap(error);
                    boolean neverArrived = cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException;
                    if (neverArrived || method.equals("GET") && cause instanceof IOException) {
                        endpoints.failed(endpoint);
                        return exchange(method, path, body, contentType, token, turn, index + 1, cause);
                    }
                    return CompletableFuture.<JsonNode>failedFuture(new RelayException(RelayException.UNREACHABLE,
                            method + " " + pathOnly(path) + " got no answer: " + cause, cause));
                })
                .thenCompose(Function.identity());
    }

    private static JsonNode answered(HttpResponse<byte[]> response) {
        JsonNode body;
        try {
            body = Wire.read(response.body());
        } catch (IllegalArgumentException notJson) {
            body = Wire.JSON.nullNode();
        }
        if (response.statusCode() / 100 != 2) {
            throw Wire.refusal(response.statusCode(), body.isObject() ? body : Wire.JSON.createObjectNode());
        }
        return body;
    }

    private static HttpRequest.BodyPublisher json(JsonNode body) {
        return HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
    }

    /** Never a query in an error's text: it may name a user. */
    private static String pathOnly(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static String query(String value) {
        return URLEncoder.encode(Objects.requireNonNull(value), StandardCharsets.UTF_8);
    }

    private static String segment(String value) {
        return query(value).replace("+", "%20");
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The value of a call, blocking; its RelayException as thrown. */
    static <T> T await(CompletableFuture<T> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RelayException refused) {
                throw refused;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new RelayException(RelayException.UNREACHABLE, cause.toString(), cause);
        }
    }
}
