package io.relaychat.ports.in;

import io.relaychat.ports.model.ClientSink;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.User;

/** Real-time chat: a transport connects an authenticated client and relays its requests. */
public interface ChatUseCase {
    /**
     * Everything the core has to tell this client, room traffic and greetings, goes to {@code sink}. Refused
     * with TOO_MANY_CONNECTIONS when the user has as many connections to this node as allowed.
     */
    Outcome<ChatConnection> connect(User user, ClientSink sink);
}
