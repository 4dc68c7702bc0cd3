package io.relaychat.adapter.netty;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.relaychat.ports.in.Attachments;
import io.relaychat.ports.in.CreateRoomCommand;
import io.relaychat.ports.in.HealthUseCase;
import io.relaychat.ports.in.HistoryQuery;
import io.relaychat.ports.in.LoginCommand;
import io.relaychat.ports.in.RegisterCommand;
import io.relaychat.ports.in.RelayUseCases;
import io.relaychat.ports.in.SignedIn;
import io.relaychat.ports.in.UploadsUseCase;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The REST routes of the protocol, each turning a request into a use-case call and its answer into JSON. */
final class RestApi {
    /** The upload route, and the one request whose body is read only for a good token (see {@link #bodyGate()}). */
    static final String UPLOAD_PATH = "/api/upload";
    static final String UPLOAD_CACHING = "private, max-age=86400";
    /** The probes' answers are of this moment: no cache along the way may hand them to a load balancer later. */
    static final String PROBE_CACHING = "no-store";
    private final RelayUseCases core;
    private final ClientAddressResolver addresses;
    private final BooleanSupplier draining;
    private final List<Route> routes = new ArrayList<>();

    /** Every request from its socket's peer: no proxy trusted; never draining. */
    RestApi(RelayUseCases core) {
        this(core, ClientAddressResolver.socketOnly(), () -> false);
    }

    /** {@code draining} turns true once the transport starts to stop: readiness then answers 503 at once. */
    RestApi(RelayUseCases core, ClientAddressResolver addresses, BooleanSupplier draining) {
        this.core = core;
        this.addresses = addresses;
        this.draining = draining;
        route(HttpMethod.GET, "/api/?", request -> done(ApiResponse.ok(Map.of("message", "RelayChat API"))));
        route(HttpMethod.GET, "/api/health", request -> done(ApiResponse.ok(health())));
        route(HttpMethod.GET, "/api/live", request -> done(ApiResponse.ok(Map.of("status", "live"))
                .withHeader(HttpHeaderNames.CACHE_CONTROL.toString(), PROBE_CACHING)));
        route(HttpMethod.GET, "/api/ready", request -> ready()
                .thenApply(answer -> answer.withHeader(HttpHeaderNames.CACHE_CONTROL.toString(), PROBE_CACHING)));
        route(HttpMethod.POST, "/api/auth/register", this::register);
        route(HttpMethod.POST, "/api/auth/login", this::login);
        authenticated(HttpMethod.GET, "/api/auth/me", (request, user) -> done(ApiResponse.ok(WireFormat.user(user))));
        authenticated(HttpMethod.POST, "/api/rooms", this::createRoom);
        authenticated(HttpMethod.GET, "/api/rooms", (request, user) ->
                core.rooms().roomsOf(user.id()).thenApply(rooms -> ApiResponse.ok(rooms.stream().map(WireFormat::room).toList())));
        authenticated(HttpMethod.GET, "/api/rooms/discover/all", (request, user) ->
                core.rooms().discover(user.id()).thenApply(rooms -> ApiResponse.ok(rooms.stream().map(WireFormat::room).toList())));
        authenticated(HttpMethod.POST, "/api/rooms/direct", (request, user) ->
                core.rooms().openDirectRoom(user.id(), request.requiredQuery("identifier"))
                        .thenApply(outcome -> answer(outcome, WireFormat::room)));
        authenticated(HttpMethod.GET, "/api/rooms/([^/]+)/messages", this::history);
        authenticated(HttpMethod.POST, "/api/rooms/([^/]+)/join", (request, user) -> {
            RoomId roomId = new RoomId(request.pathParam(0));
            return core.rooms().joinRoom(user.id(), roomId).thenApply(outcome -> answer(outcome, membership -> Map.of(
                    "message", membership.alreadyMember() ? "Already a member" : "Joined successfully",
                    "room_id", roomId.value())));
        });
        authenticated(HttpMethod.POST, "/api/rooms/([^/]+)/leave", (request, user) ->
                core.rooms().leaveRoom(user.id(), new RoomId(request.pathParam(0)))
                        .thenApply(outcome -> answer(outcome, left -> Map.of("message", "Left the room", "room_id", left.value()))));
        authenticated(HttpMethod.POST, "/api/rooms/([^/]+)/members/add", (request, user) ->
                core.rooms().addMember(user.id(), new RoomId(request.pathParam(0)), request.requiredQuery("user_email"))
                        .thenApply(outcome -> answer(outcome, added -> Map.of(
                                "message", added.username() + " added to room",
                                "user_id", added.id().value(),
                                "username", added.username()))));
        authenticated(HttpMethod.GET, "/api/users/search", (request, user) -> {
            String query = request.query("q");
            return core.searchUsers().search(user.id(), query == null ? "" : query)
                    .thenApply(outcome -> answer(outcome, users -> users.stream().map(WireFormat::user).toList()));
        });
        authenticated(HttpMethod.POST, Pattern.quote(UPLOAD_PATH), this::upload);
        route(HttpMethod.GET, Pattern.quote(Attachments.UPLOADS_PATH) + "([^/]+)", this::download);
        core.serverApi().ifPresent(api -> new ServerApiRoutes(api, addresses).addTo(this::route));
    }

    /** The route for a path and method: a handler, 404 for an unknown path, 405 for a known path with another method. */
    Function<ApiRequest, CompletionStage<ApiResponse>> resolve(HttpMethod method, String path, List<String> params) {
        boolean pathKnown = false;
        for (Route route : routes) {
            Matcher matcher = route.pattern.matcher(path);
            if (matcher.matches()) {
                pathKnown = true;
                if (route.method.equals(method)) {
                    for (int group = 1; group <= matcher.groupCount(); group++) {
                        params.add(matcher.group(group));
                    }
                    return route.handler;
                }
            }
        }
        Refusal refusal = pathKnown ? Refusal.methodNotAllowed() : Refusal.pathNotFound();
        return request -> done(RestErrors.refused(refusal));
    }

    /**
     * {"status": "healthy"}, or "degraded" with what is failing. Still 200 when degraded: the node serves
     * its own connections, and a load balancer taking it out would only move its users elsewhere.
     */
    private Map<String, Object> health() {
        HealthUseCase.Health health = core.health().check();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", health.healthy() ? "healthy" : "degraded");
        json.putAll(health.components());
        return json;
    }

    /**
     * 200 {"status": "ready", "store": {"state": "up", "latency_ms": 1}, "bus": {...}} while every dependency
     * answers; 503 "not_ready" with each one's state (a down one with its "error") when one does not; 503
     * "draining", without asking anything, from the moment the node starts to stop, so that a load balancer
     * takes it out before its listener closes.
     */
    private CompletionStage<ApiResponse> ready() {
        if (draining.getAsBoolean()) {
            return done(ApiResponse.json(HttpResponseStatus.SERVICE_UNAVAILABLE, Map.of("status", "draining")));
        }
        return core.health().readiness().thenApply(readiness -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("status", readiness.ready() ? "ready" : "not_ready");
            readiness.dependencies().forEach((name, state) -> json.put(name, dependency(state)));
            return ApiResponse.json(readiness.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    json);
        });
    }

    private static Map<String, Object> dependency(HealthUseCase.DependencyState state) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", state.up() ? "up" : "down");
        json.put("latency_ms", state.latency().toMillis());
        if (!state.up()) {
            json.put("error", state.error());
        }
        return json;
    }

    /** The user behind the request's bearer token, or an ApiException answering 401. */
    CompletionStage<User> authenticate(String bearerToken) {
        CompletionStage<Optional<User>> found;
        try {
            found = core.authenticate().authenticate(bearerToken);
        } catch (RuntimeException e) {
            found = CompletableFuture.failedFuture(e);
        }
        return found.thenApply(user -> user.orElseThrow(() -> new ApiException(Refusal.unauthenticated())));
    }

    /**
     * The path a request is routed by: percent-decoded, without its query. Every decision about a request that
     * depends on its route is made on this path (the route itself, its body's bound, the upload's token check),
     * so that no spelling of a path can reach a route by one decision and skip another.
     *
     * @throws IllegalArgumentException for a malformed escape
     */
    static String routedPath(String uri) {
        return new QueryStringDecoder(uri).path();
    }

    /** Whether {@code head} is for the upload route; false for a path that cannot be decoded (a 400 anyway). */
    static boolean isUpload(HttpRequest head) {
        if (!head.method().equals(HttpMethod.POST)) {
            return false;
        }
        try {
            return routedPath(head.uri()).equals(UPLOAD_PATH);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /**
     * What the upload's body waits on: it is read only for a caller whose token is good and who is within their
     * upload rate (which admitting spends); anyone else is refused before a byte of it is read. It is then
     * streamed to the core by its {@link UploadReceiver}. Other routes read theirs at once.
     */
    BodyGate.Check bodyGate() {
        return head -> !isUpload(head) ? null
                : authenticate(ApiRequest.bearerToken(head.headers())).thenApply(user -> {
                    Outcome<UploadsUseCase.IncomingFile> admitted = core.uploads().beginUpload(user.id());
                    return admitted instanceof Outcome.Accepted<UploadsUseCase.IncomingFile> accepted
                            ? BodyGate.Verdict.streamedTo(new UploadReceiver(accepted.value()))
                            : BodyGate.Verdict.refused(((Outcome.Rejected<UploadsUseCase.IncomingFile>) admitted).refusal());
                }).exceptionally(error -> BodyGate.Verdict.refused(
                        RestErrors.refusalOf(error, head.method() + " " + UPLOAD_PATH)));
    }

    private CompletionStage<ApiResponse> register(ApiRequest request) {
        JsonNode body = request.jsonBody();
        RegisterCommand command = new RegisterCommand(ApiRequest.requiredText(body, "email"),
                ApiRequest.requiredText(body, "username"), ApiRequest.requiredText(body, "password"),
                request.from(addresses));
        return core.register().register(command).thenApply(outcome -> answer(signedIn(request, outcome), RestApi::token));
    }

    private CompletionStage<ApiResponse> login(ApiRequest request) {
        JsonNode body = request.jsonBody();
        LoginCommand command = new LoginCommand(ApiRequest.requiredText(body, "email"),
                ApiRequest.requiredText(body, "password"), request.from(addresses));
        return core.login().login(command).thenApply(outcome -> answer(signedIn(request, outcome), RestApi::token));
    }

    /** A sign-in that worked names its user in the access log, as the requests made with its token will. */
    private static Outcome<SignedIn> signedIn(ApiRequest request, Outcome<SignedIn> outcome) {
        if (outcome instanceof Outcome.Accepted<SignedIn> accepted) {
            request.madeBy(accepted.value().user());
        }
        return outcome;
    }

    private static Map<String, Object> token(SignedIn signedIn) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("access_token", signedIn.accessToken());
        json.put("token_type", "bearer");
        json.put("user", WireFormat.userSummary(signedIn.user()));
        return json;
    }

    private CompletionStage<ApiResponse> createRoom(ApiRequest request, User user) {
        JsonNode body = request.jsonBody();
        String typeName = ApiRequest.optionalText(body, "type", RoomType.GROUP.wireName());
        RoomType type = RoomType.fromWireName(typeName).orElseThrow(() ->
                ApiException.invalidField("field 'type' must be 'group' or 'private'"));
        List<UserId> members = new ArrayList<>();
        JsonNode memberIds = body.get("members");
        if (memberIds != null && !memberIds.isNull()) {
            if (!memberIds.isArray()) {
                throw ApiException.invalidField("field 'members' must be a list of user ids");
            }
            for (JsonNode memberId : memberIds) {
                if (!memberId.isTextual() || memberId.textValue().isBlank()) {
                    throw ApiException.invalidField("field 'members' must be a list of user ids");
                }
                members.add(new UserId(memberId.textValue()));
            }
        }
        CreateRoomCommand command = new CreateRoomCommand(user.id(), ApiRequest.requiredText(body, "name"), type, members);
        return core.rooms().createRoom(command).thenApply(outcome -> answer(outcome, WireFormat::room));
    }

    private CompletionStage<ApiResponse> history(ApiRequest request, User user) {
        int limit = request.intQuery("limit", HistoryQuery.DEFAULT_LIMIT);
        Instant before = request.timestampQuery("before");
        Long beforeSeq = request.query("before_seq") == null ? null : request.longQuery("before_seq");
        HistoryQuery query = new HistoryQuery(user.id(), new RoomId(request.pathParam(0)), limit, before, beforeSeq);
        // The list as it is: WireFormat.MAPPER writes each ChatMessage with the live frame's field writer.
        return core.history().history(query).thenApply(outcome -> answer(outcome, messages -> messages));
    }

    /**
     * The file was streamed to the core as the body arrived; this answers what became of it. No size check here:
     * the use case is the one that refuses a file over its limit.
     */
    private CompletionStage<ApiResponse> upload(ApiRequest request, User user) {
        return request.upload().thenApply(outcome -> answer(outcome,
                stored -> Map.of("url", Attachments.UPLOADS_PATH + stored.storedName(), "filename", stored.originalName())));
    }

    /**
     * A file as stored. Browsers show images inline; anything else is a download, never a page of this origin.
     * Cached by the browser only: a name is never reused, but what a user uploaded is theirs, not a proxy's.
     * Written a chunk at a time as the client reads it, never whole in memory.
     */
    private CompletionStage<ApiResponse> download(ApiRequest request) {
        return core.uploads().openDownload(request.pathParam(0)).thenApply(blob -> blob
                .map(found -> {
                    ApiResponse file = ApiResponse.file(found)
                            .withHeader(HttpHeaderNames.CACHE_CONTROL.toString(), UPLOAD_CACHING);
                    return isInlineImage(found.contentType()) ? file
                            : file.withHeader(HttpHeaderNames.CONTENT_DISPOSITION.toString(), "attachment");
                })
                .orElseGet(() -> RestErrors.refused(Refusal.pathNotFound())));
    }

    /** Raster images only: an SVG is a document that can run script. */
    static boolean isInlineImage(String contentType) {
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("image/") && !type.startsWith("image/svg");
    }

    /** An accepted outcome as 200 with its JSON; a rejected one as the status its reason stands for. */
    static <T> ApiResponse answer(Outcome<T> outcome, Function<? super T, ?> toJson) {
        if (outcome instanceof Outcome.Accepted<T> accepted) {
            return ApiResponse.ok(toJson.apply(accepted.value()));
        }
        return RestErrors.refused(((Outcome.Rejected<T>) outcome).refusal());
    }

    private void route(HttpMethod method, String path, Function<ApiRequest, CompletionStage<ApiResponse>> handler) {
        routes.add(new Route(method, Pattern.compile(path), handler));
    }

    private void authenticated(HttpMethod method, String path, BiFunction<ApiRequest, User, CompletionStage<ApiResponse>> handler) {
        route(method, path, request -> authenticate(request.bearerToken())
                .thenCompose(user -> {
                    request.madeBy(user);
                    return handler.apply(request, user);
                }));
    }

    private static CompletionStage<ApiResponse> done(ApiResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    private record Route(HttpMethod method, Pattern pattern, Function<ApiRequest, CompletionStage<ApiResponse>> handler) {
    }
}
