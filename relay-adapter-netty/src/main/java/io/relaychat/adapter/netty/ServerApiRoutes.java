package io.relaychat.adapter.netty;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.relaychat.ports.in.HistoryQuery;
import io.relaychat.ports.in.PublishCommand;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.in.ServerApiUseCase;
import io.relaychat.ports.in.ServerRoomCommand;
import io.relaychat.ports.in.SystemSender;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.UserId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The routes under {@value #PREFIX}, for trusted backends: each checks the request's API key before anything
 * else, then turns the request into a {@link ServerApiUseCase} call. Registered only while the server has a key,
 * so that without one the whole tree is as absent as any unknown path (404).
 */
final class ServerApiRoutes {
    static final String PREFIX = "/api/server/";
    /** The header a key may come in, for a backend whose HTTP client keeps Authorization for something else. */
    static final String KEY_HEADER = "X-Relay-Api-Key";

    /** How RestApi takes a route. */
    interface Routes {
        void add(HttpMethod method, String path, Function<ApiRequest, CompletionStage<ApiResponse>> handler);
    }

    private final ServerApiUseCase api;
    private final ClientAddressResolver addresses;

    ServerApiRoutes(ServerApiUseCase api, ClientAddressResolver addresses) {
        this.api = api;
        this.addresses = addresses;
    }

    void addTo(Routes routes) {
        keyed(routes, HttpMethod.POST, "publish", request ->
                api.publish(publishCommand(request.jsonBody())).thenApply(outcome -> RestApi.answer(outcome, m -> m)));
        keyed(routes, HttpMethod.POST, "publish/batch", this::publishBatch);
        keyed(routes, HttpMethod.POST, "rooms", this::createRoom);
        keyed(routes, HttpMethod.POST, "rooms/([^/]+)/members/add", request ->
                api.addMembers(new RoomId(request.pathParam(0)), userIds(request.jsonBody()))
                        .thenApply(outcome -> RestApi.answer(outcome, WireFormat::room)));
        keyed(routes, HttpMethod.POST, "rooms/([^/]+)/members/remove", request ->
                api.removeMembers(new RoomId(request.pathParam(0)), userIds(request.jsonBody()))
                        .thenApply(outcome -> RestApi.answer(outcome, WireFormat::room)));
        keyed(routes, HttpMethod.GET, "rooms/([^/]+)/presence", request -> {
            RoomId roomId = new RoomId(request.pathParam(0));
            return api.presence(roomId).thenApply(outcome -> RestApi.answer(outcome, online -> {
                Map<String, Object> users = new LinkedHashMap<>();
                online.forEach((id, username) -> users.put(id.value(), username));
                return Map.of("room_id", roomId.value(), "online_users", users);
            }));
        });
        keyed(routes, HttpMethod.GET, "rooms/([^/]+)/messages", this::history);
        keyed(routes, HttpMethod.POST, "users/([^/]+)/disconnect", request -> {
            UserId userId = new UserId(request.pathParam(0));
            return api.disconnect(userId).thenApply(closed -> ApiResponse.ok(Map.of(
                    "user_id", userId.value(), "closed_here", closed)));
        });
    }

    /** The key first: a request without a good one is refused before its body or path is looked at. */
    private void keyed(Routes routes, HttpMethod method, String path,
                       Function<ApiRequest, CompletionStage<ApiResponse>> handler) {
        routes.add(method, Pattern.quote(PREFIX) + path, request -> {
            Optional<Refusal> refused = api.admit(key(request), request.from(addresses));
            if (refused.isPresent()) {
                return CompletableFuture.completedFuture(RestErrors.refused(refused.get()));
            }
            request.madeByBackend(ServerApiUseCase.ACTOR);
            return handler.apply(request);
        });
    }

    /** {@value #KEY_HEADER} when sent, else the bearer token. */
    static String key(ApiRequest request) {
        String header = request.header(KEY_HEADER);
        return header != null ? header.strip() : request.bearerToken();
    }

    /**
     * Every message answered in order, accepted or refused; one that is malformed is refused alone
     * (invalid_field), the others still published. Only a batch that is no list, or too long, is refused whole.
     */
    private CompletionStage<ApiResponse> publishBatch(ApiRequest request) {
        JsonNode messages = request.jsonBody().get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiException.invalidField("field 'messages' must be a non-empty list of messages");
        }
        if (messages.size() > ServerApiUseCase.MAX_BATCH) {
            throw ApiException.invalidField("field 'messages' must list at most " + ServerApiUseCase.MAX_BATCH
                    + " messages");
        }
        List<PublishCommand> commands = new ArrayList<>();
        Map<Integer, Refusal> malformed = new LinkedHashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            try {
                if (!messages.get(i).isObject()) {
                    throw ApiException.invalidField("each message must be a JSON object");
                }
                commands.add(publishCommand(messages.get(i)));
            } catch (InvalidCommandException e) {
                malformed.put(i, Refusal.invalidField(e.getMessage()));
            } catch (ApiException e) {
                malformed.put(i, e.refusal());
            }
        }
        return api.publishAll(commands).thenApply(published -> {
            List<Object> results = new ArrayList<>(messages.size());
            int next = 0;
            for (int i = 0; i < messages.size(); i++) {
                Refusal refusal = malformed.get(i);
                results.add(refusal != null ? refused(refusal) : result(published.get(next++)));
            }
            return ApiResponse.ok(Map.of("results", results));
        });
    }

    private static Map<String, Object> result(Outcome<ChatMessage> outcome) {
        if (outcome instanceof Outcome.Accepted<ChatMessage> accepted) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("status", "accepted");
            json.put("message", accepted.value());
            return json;
        }
        return refused(((Outcome.Rejected<ChatMessage>) outcome).refusal());
    }

    private static Map<String, Object> refused(Refusal refusal) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", "refused");
        json.putAll(WireFormat.error(refusal));
        return json;
    }

    /** {"room_id", "content", "sender": {"id"?, "username"}, "client_id"?, "attachments"?}. */
    static PublishCommand publishCommand(JsonNode body) {
        JsonNode sender = body.get("sender");
        if (sender == null || !sender.isObject()) {
            throw ApiException.invalidField("field 'sender' must be an object with a 'username'");
        }
        SystemSender from = SystemSender.named(ApiRequest.optionalText(sender, "id", null),
                ApiRequest.requiredText(sender, "username"));
        List<String> attachments = new ArrayList<>();
        JsonNode urls = body.get("attachments");
        if (urls != null && !urls.isNull()) {
            if (!urls.isArray()) {
                throw ApiException.invalidField("field 'attachments' must be a list of URLs");
            }
            for (JsonNode url : urls) {
                if (!url.isTextual()) {
                    throw ApiException.invalidField("field 'attachments' must be a list of URLs");
                }
                attachments.add(url.textValue());
            }
        }
        SendMessageCommand message = new SendMessageCommand(new RoomId(ApiRequest.requiredText(body, "room_id")),
                ApiRequest.requiredText(body, "content"), attachments, ApiRequest.optionalText(body, "client_id", null));
        return new PublishCommand(from, message);
    }

    private CompletionStage<ApiResponse> createRoom(ApiRequest request) {
        JsonNode body = request.jsonBody();
        String typeName = ApiRequest.optionalText(body, "type", RoomType.GROUP.wireName());
        // "public" for a backend that thinks of it so: a group room is the one anyone may find and join.
        RoomType type = RoomType.fromWireName("public".equals(typeName) ? RoomType.GROUP.wireName() : typeName)
                .orElseThrow(() -> ApiException.invalidField("field 'type' must be 'group' (or 'public') or 'private'"));
        List<UserId> members = body.has("members") ? ids(body.get("members"), "members") : List.of();
        return api.createRoom(new ServerRoomCommand(ApiRequest.requiredText(body, "name"), type, members))
                .thenApply(outcome -> RestApi.answer(outcome, WireFormat::room));
    }

    private static List<UserId> userIds(JsonNode body) {
        List<UserId> ids = ids(body.get("user_ids"), "user_ids");
        if (ids.isEmpty()) {
            throw ApiException.invalidField("field 'user_ids' must list at least one user id");
        }
        if (ids.size() > ServerApiUseCase.MAX_MEMBERS_PER_CALL) {
            throw ApiException.invalidField("field 'user_ids' must list at most "
                    + ServerApiUseCase.MAX_MEMBERS_PER_CALL + " user ids");
        }
        return ids;
    }

    private static List<UserId> ids(JsonNode list, String field) {
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw ApiException.invalidField("field '" + field + "' must be a list of user ids");
        }
        List<UserId> ids = new ArrayList<>();
        for (JsonNode id : list) {
            if (!id.isTextual() || id.textValue().isBlank()) {
                throw ApiException.invalidField("field '" + field + "' must be a list of user ids");
            }
            ids.add(new UserId(id.textValue()));
        }
        return ids;
    }

    /** Paged as the user API's history: limit, before (a timestamp), before_seq. */
    private CompletionStage<ApiResponse> history(ApiRequest request) {
        int limit = request.intQuery("limit", HistoryQuery.DEFAULT_LIMIT);
        Instant before = request.timestampQuery("before");
        Long beforeSeq = request.query("before_seq") == null ? null : request.longQuery("before_seq");
        return api.history(new RoomId(request.pathParam(0)), limit, before, beforeSeq)
                .thenApply(outcome -> RestApi.answer(outcome, messages -> messages));
    }
}
