package io.relaychat.adapter.netty;

import io.relaychat.ports.in.ChatConnection;
import io.relaychat.ports.in.ChatUseCase;
import io.relaychat.ports.model.Broadcast;
import io.relaychat.ports.model.ClientSink;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.ServerEvent;
import io.relaychat.ports.model.User;

import java.util.concurrent.CompletionStage;

/** The core's chat as one connection: it keeps the sink the transport handed over, so a test can talk through it. */
final class FakeChat implements ChatUseCase {
    final FakeChatConnection connection;
    private volatile ClientSink sink;
    /** When set, connecting is refused with it, as the core refuses a user over their connection limit. */
    volatile Refusal refusal;

    FakeChat(FakeChatConnection connection) {
        this.connection = connection;
    }

    @Override
    public Outcome<ChatConnection> connect(User user, ClientSink sink) {
        this.sink = sink;
        return refusal == null ? Outcome.accepted(connection) : Outcome.rejected(refusal);
    }

    /** What the core would send this client, from whatever thread the test is on. */
    void tell(ServerEvent event) {
        sink.send(new Broadcast(event));
    }

    void deliver(Broadcast broadcast) {
        sink.send(broadcast);
    }

    /** What the core waits on between pages of a resuming client's stored messages. */
    CompletionStage<Void> whenWritable() {
        return sink.whenWritable();
    }
}
