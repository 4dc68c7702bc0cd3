package io.relaychat.adapter.local;

import io.relaychat.ports.out.UserStore;
import io.relaychat.testkit.UserStoreContract;

class InMemoryUserStoreTest extends UserStoreContract {
    @Override
    protected UserStore newStore() {
        return new InMemoryUserStore();
    }
}
