package io.relaychat.ports.in;

import io.relaychat.ports.model.ClientSink;
import io.relaychat.ports.model.User;

/** Real-time chat: a transport connects an authenticated client and relays its requests. */
public interface ChatUseCase {
    /** Everything the core has to tell this client, answers and room traffic alike, goes to {@code sink}. */
    ChatConnection connect(User user, ClientSink sink);
}
