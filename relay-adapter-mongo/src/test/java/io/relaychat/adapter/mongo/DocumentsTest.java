package io.relaychat.adapter.mongo;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Instants become BSON dates without ever failing, however far a client's cursor lies. */
class DocumentsTest {
    @Test
    void anInstantBeyondWhatABsonDateHoldsBecomesItsLastOrFirstDate() {
        assertEquals(new Date(Long.MAX_VALUE), Documents.date(Instant.MAX));
        assertEquals(new Date(Long.MAX_VALUE), Documents.date(Instant.parse("+999999999-12-31T23:59:59Z")));
        assertEquals(new Date(Long.MIN_VALUE), Documents.date(Instant.MIN));
        assertEquals(new Date(Long.MIN_VALUE), Documents.date(Instant.ofEpochMilli(Long.MIN_VALUE).minusNanos(1)));
    }

    @Test
    void anInstantWithinTheRangeKeepsItsMillisecond() {
        Instant now = Instant.parse("2025-05-01T10:00:00.123456Z");

        assertEquals(new Date(now.toEpochMilli()), Documents.date(now));
        assertEquals(new Date(Long.MAX_VALUE), Documents.date(Instant.ofEpochMilli(Long.MAX_VALUE)));
    }
}
