package io.relaychat.adapter.local;

import io.relaychat.ports.out.PresencePort;
import io.relaychat.testkit.PresenceContract;

class InMemoryPresenceTest extends PresenceContract {
    @Override
    protected PresencePort newPresence() {
        return new InMemoryPresence();
    }
}
