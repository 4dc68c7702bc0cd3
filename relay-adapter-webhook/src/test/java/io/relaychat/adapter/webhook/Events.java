package io.relaychat.adapter.webhook;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RoomActivity.MemberAdded;
import io.relaychat.ports.out.RoomActivity.MemberRemoved;
import io.relaychat.ports.out.RoomActivity.MessagePosted;
import io.relaychat.ports.out.RoomActivity.RoomCreated;

import java.time.Instant;
import java.util.List;

/** Room activity for the tests, one line each. */
final class Events {
    static final Instant AT = Instant.parse("2026-12-03T12:00:00.123Z");
    static final UserId ANN = new UserId("user-ann");
    static final UserId BOB = new UserId("user-bob");

    private Events() {
    }

    static MessagePosted message(String room, long seq, String content) {
        return new MessagePosted(new ChatMessage(new MessageId("m-" + room + "-" + seq), new RoomId(room), ANN, "ann",
                content, AT, List.of("/static/uploads/x.png"), seq, "client-" + seq));
    }

    static RoomCreated roomCreated(String room) {
        return new RoomCreated(new Room(new RoomId(room), "general", RoomType.GROUP, List.of(ANN, BOB), AT, ANN, null));
    }

    static MemberAdded memberAdded(String room) {
        return new MemberAdded(new RoomId(room), BOB, ANN, AT);
    }

    static MemberRemoved memberRemoved(String room) {
        return new MemberRemoved(new RoomId(room), BOB, BOB, AT);
    }
}
