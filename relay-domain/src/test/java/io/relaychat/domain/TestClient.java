package io.relaychat.domain;

import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.SendMessageCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Room;

import java.util.List;

import static io.relaychat.testkit.Await.result;

/** A connected client in the domain's tests: its connection, what it received, and one-line requests. */
record TestClient(ChatConnection connection, RecordingClient events) {
    Outcome<Room> join(Room room) {
        return result(connection.join(room.id(), null));
    }

    Outcome<ChatMessage> say(Room room, String content) {
        return result(connection.send(new SendMessageCommand(room.id(), content, List.of(), null)));
    }
}
