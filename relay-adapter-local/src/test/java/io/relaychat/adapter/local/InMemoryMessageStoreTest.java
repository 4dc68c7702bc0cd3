package io.relaychat.adapter.local;

import io.relaychat.ports.out.MessageStore;
import io.relaychat.testkit.MessageStoreContract;

class InMemoryMessageStoreTest extends MessageStoreContract {
    @Override
    protected MessageStore newStore() {
        return new InMemoryMessageStore();
    }
}
