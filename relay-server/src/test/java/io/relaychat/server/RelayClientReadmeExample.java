package io.relaychat.server;

import io.relaychat.client.Ack;
import io.relaychat.client.ChatMessage;
import io.relaychat.client.Credentials;
import io.relaychat.client.RelayClient;
import io.relaychat.client.RelayListener;
import io.relaychat.client.Room;

import java.io.PrintStream;
import java.net.URI;
import java.util.List;

/**
 * The usage example of relay-client/README.md, as a program: the lines between the two markers are the README's
 * and docs/integration.md's, character for character once their indentation is taken off (RelayClientReadmeTest
 * holds them together).
 */
final class RelayClientReadmeExample {
    private RelayClientReadmeExample() {
    }

    static void run(URI server, PrintStream out) {
        // docs:begin
        RelayListener printer = new RelayListener() {
            @Override
            public void onMessage(ChatMessage message) {
                out.println(message.username() + ": " + message.content());
            }
        };
        try (RelayClient client = RelayClient.builder()
                .endpoint(server)
                .credentials(Credentials.register("ann@example.com", "ann", "a long password"))
                .listener(printer)
                .connect()) {
            Room room = client.rest().createRoom("tea", Room.GROUP, List.of());
            client.follow(room.id()).toCompletableFuture().join();
            Ack ack = client.send(room.id(), "Have some tea?").toCompletableFuture().join();
            out.println("stored as #" + ack.seq() + " in " + room.name());
        }
        // docs:end
    }
}
