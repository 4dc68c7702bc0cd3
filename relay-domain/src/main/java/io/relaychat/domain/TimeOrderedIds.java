package io.relaychat.domain;

import io.relaychat.ports.out.IdSource;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Message ids that sort by when they were made: UUIDs of version 7 (RFC 9562), the millisecond in their first 48
 * bits and 74 random bits after it.
 * <p>
 * A store indexes every message by its id. Random ids (version 4) land all over that index, so each new message
 * dirties a page of its own there, one more page to write per message per commit; ids that grow with time go to its
 * end, where the messages of one batch share a page. And the random bits come from the thread's own generator, not
 * from {@link java.security.SecureRandom} behind one lock for every event loop: a message id is no secret (every
 * member of the room is shown it, and only the server makes one), it only has to be unique, which 74 random bits
 * within one millisecond are. Ids that must not be guessed (the names of uploaded files) keep the random source.
 */
final class TimeOrderedIds implements IdSource {
    @Override
    public String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}
