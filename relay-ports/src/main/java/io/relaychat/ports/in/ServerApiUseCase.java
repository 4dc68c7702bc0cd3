package io.relaychat.ports.in;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What a trusted backend, holding one of the server's API keys, may do: post into any room as a named system
 * sender, manage rooms and their members, disconnect a user, and read a room's presence and history. No user
 * stands behind these calls, so no membership is asked for; a room that does not exist is NOT_FOUND.
 */
public interface ServerApiUseCase {
    /** Who rooms made and members changed by a backend are recorded as made and changed by (webhooks, logs). */
    UserId ACTOR = new UserId("system:api");
    /** The most messages one batch publish may carry. */
    int MAX_BATCH = 100;
    /** The most user ids one create, add or remove call may name. */
    int MAX_MEMBERS_PER_CALL = 1000;

    /**
     * Empty when {@code key} is one of the server's keys; else UNAUTHENTICATED, or RATE_LIMITED once the address
     * has failed more often than its allowance of failed logins allows (a good key is refused then too).
     */
    Optional<Refusal> admit(String key, ClientAddress from);

    /**
     * Stores the message as a client's send is stored (a seq, delivery to members on every node, webhooks) and
     * answers it. The same sender and client id again answers the message stored the first time. Refused with
     * NOT_FOUND for no such room, CONTENT_TOO_LONG past the content limit.
     */
    CompletionStage<Outcome<ChatMessage>> publish(PublishCommand command);

    /**
     * Each command published in turn, after the one before it; one answer each, in order. A fault (the store down)
     * fails the stage: the messages published before it stay published, and a retry with their client ids finds them.
     */
    CompletionStage<List<Outcome<ChatMessage>>> publishAll(List<PublishCommand> commands);

    /** Unknown user ids are dropped: a room never lists ghosts. */
    CompletionStage<Outcome<Room>> createRoom(ServerRoomCommand command);

    /** Unknown user ids are dropped; members already in stay. Refused with NOT_FOUND for no such room. */
    CompletionStage<Outcome<Room>> addMembers(RoomId roomId, List<UserId> userIds);

    /**
     * Each user leaves the room as by their own leave: it leaves their list and every connection of theirs stops
     * receiving it, on every node; the answer comes once those on this node have. Refused with NOT_FOUND for no
     * such room.
     */
    CompletionStage<Outcome<Room>> removeMembers(RoomId roomId, List<UserId> userIds);

    /**
     * Closes every connection of the user, on this node at once and on the others as they hear of it; completes
     * with how many were closed here.
     */
    CompletionStage<Integer> disconnect(UserId userId);

    /** Who is online in the room, by id, with their usernames. Refused with NOT_FOUND for no such room. */
    CompletionStage<Outcome<Map<UserId, String>>> presence(RoomId roomId);

    /** A page of the room's history, paged as {@link FetchHistoryUseCase}. Refused with NOT_FOUND for no such room. */
    CompletionStage<Outcome<List<ChatMessage>>> history(RoomId roomId, int limit, Instant before, Long beforeSeq);
}
