package io.relaychat.adapter.local;

import io.relaychat.ports.model.MessageId;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's indexes answer like one map, while no stripe grows much past its share of the entries. */
class StripedIndexTest {

    @Test
    void answersLikeOneMapAndRemovesAKeyOnlyWhileItMapsToTheValueGiven() {
        StripedIndex<String, String> index = new StripedIndex<>();
        index.put("ann\u0000c-1", "first");
        index.put("ann\u0000c-1", "second");

        index.remove("ann\u0000c-1", "first");
        assertEquals("second", index.get("ann\u0000c-1"), "a newer value is not removed with an older one");
        index.remove("ann\u0000c-1", "second");
        assertNull(index.get("ann\u0000c-1"));
        assertNull(index.get("bob\u0000c-1"));
    }

    @Test
    void aStoresWorthOfIdsAndClientKeysIsSpreadSoThatNoStripeHoldsMuchMoreThanItsShare() {
        int entries = 400_000;
        StripedIndex<MessageId, Integer> ids = new StripedIndex<>();
        StripedIndex<String, Integer> clientKeys = new StripedIndex<>();
        for (int i = 0; i < entries; i++) {
            ids.put(new MessageId(UUID.randomUUID().toString()), i);
            clientKeys.put("user-" + (i % 2_000) + "\u0000" + "c-" + i, i);
        }

        int share = entries / StripedIndex.STRIPES;
        assertTrue(ids.largestStripe() < share * 1.2, "ids: " + ids.largestStripe() + " against " + share);
        assertTrue(clientKeys.largestStripe() < share * 1.2,
                "client keys: " + clientKeys.largestStripe() + " against " + share);
        assertEquals(7, clientKeys.get("user-7\u0000c-7"));
    }
}
