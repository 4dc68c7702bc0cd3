package io.relaychat.adapter.local;

import io.relaychat.ports.out.RoomStore;
import io.relaychat.testkit.RoomStoreContract;

class InMemoryRoomStoreTest extends RoomStoreContract {
    @Override
    protected RoomStore newStore() {
        return new InMemoryRoomStore();
    }
}
