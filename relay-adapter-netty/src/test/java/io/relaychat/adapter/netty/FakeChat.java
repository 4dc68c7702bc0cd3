package io.relaychat.adapter.netty;

import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.ChatUseCase;
import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ClientSink;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.User;

/** The core's chat as one connection: it keeps the sink the transport handed over, so a test can talk through it. */
final class FakeChat implements ChatUseCase {
    final FakeChatConnection connection;
    private volatile ClientSink sink;

    FakeChat(FakeChatConnection connection) {
        this.connection = connection;
    }

    @Override
    public ChatConnection connect(User user, ClientSink sink) {
        this.sink = sink;
        return connection;
    }

    /** What the core would send this client, from whatever thread the test is on. */
    void tell(ServerEvent event) {
        sink.send(new Broadcast(event));
    }

    void deliver(Broadcast broadcast) {
        sink.send(broadcast);
    }
}
