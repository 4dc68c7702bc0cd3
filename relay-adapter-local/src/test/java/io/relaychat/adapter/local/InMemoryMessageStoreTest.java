package io.relaychat.adapter.local;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.MessageStore;
import io.relaychat.testkit.MessageStoreContract;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.aMessage;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryMessageStoreTest extends MessageStoreContract {
    private final RoomId room = new RoomId(newId());
    private final UserId bob = new UserId(newId());

    @Override
    protected MessageStore newStore() {
        return new InMemoryMessageStore();
    }

    @Override
    protected MessageStore newStoreKeepingNewest(int count) {
        return new InMemoryMessageStore(count);
    }

    @Test
    void byDefaultARoomKeepsItsNewestTenThousandMessages() {
        MessageStore store = new InMemoryMessageStore();
        for (int i = 1; i <= 10_001; i++) {
            result(store.append(aMessage().in(room).from(bob).withClientId("c-" + i).build()));
        }

        assertTrue(result(store.append(aMessage().in(room).from(bob).withClientId("c-2").build())).duplicate(),
                "a retry of a kept message is still recognised");
        List<ChatMessage> oldest = result(store.since(room, 0, 1));
        assertEquals(2, oldest.get(0).seq(), "the first message made room for the 10 001st");
        assertEquals(10_001, result(store.history(room, 1, null, null)).get(0).seq());
        assertFalse(result(store.append(aMessage().in(room).from(bob).withClientId("c-1").build())).duplicate(),
                "its client id went with it");
    }

    @Test
    void unboundedKeepsEveryMessage() {
        MessageStore store = new InMemoryMessageStore(InMemoryMessageStore.UNBOUNDED);
        for (int i = 1; i <= 10_050; i++) {
            result(store.append(aMessage().in(room).build()));
        }

        assertEquals(1, result(store.since(room, 0, 1)).get(0).seq());
        assertEquals(10_050, result(store.since(room, 0, 20_000)).size());
    }

    @Test
    void aNegativeBoundIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new InMemoryMessageStore(-1));
    }
}
