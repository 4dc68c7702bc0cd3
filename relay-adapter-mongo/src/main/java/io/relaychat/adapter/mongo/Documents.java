package io.relaychat.adapter.mongo;

import org.bson.Document;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;

/**
 * Reading fields the way both we and the earlier Python app wrote them. We write timestamps as BSON
 * dates (they sort and compare as instants, and range queries use the index); the Python app wrote ISO
 * strings such as {@code 2025-05-01T10:00:00.123456+00:00}, which we still read.
 */
final class Documents {
    /** The first and last instants a BSON date holds: milliseconds since the epoch in a signed 64-bit integer. */
    static final Instant EARLIEST_DATE = Instant.ofEpochMilli(Long.MIN_VALUE);
    static final Instant LATEST_DATE = Instant.ofEpochMilli(Long.MAX_VALUE);

    private Documents() {
    }

    static Instant instant(Document document, String field) {
        Object value = document.get(field);
        if (value instanceof Date date) {
            return date.toInstant();
        }
        if (value instanceof String text) {
            return parseIso(text);
        }
        throw new IllegalStateException("field '" + field + "' is neither a date nor an ISO string: " + value);
    }

    static Instant parseIso(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        }
    }

    /**
     * The date of an instant, clamped to what a BSON date holds. Clients choose some instants (a history cursor
     * such as {@code +999999999-12-31T23:59:59Z}), and {@link Date#from} throws beyond the range; clamped, such
     * a bound keeps its meaning: before the end of time is every message, before its beginning none.
     */
    static Date date(Instant instant) {
        return new Date(epochMillis(instant));
    }

    /** What {@link #date} holds, for writers of BSON that take the milliseconds themselves ({@link MessageBson}). */
    static long epochMillis(Instant instant) {
        if (instant.isAfter(LATEST_DATE)) {
            return Long.MAX_VALUE;
        }
        if (instant.isBefore(EARLIEST_DATE)) {
            return Long.MIN_VALUE;
        }
        return instant.toEpochMilli();
    }

    static List<String> strings(Document document, String field) {
        List<?> values = document.get(field, List.class);
        if (values == null) {
            return List.of();
        }
        return values.stream().map(String::valueOf).toList();
    }

    static long number(Document document, String field) {
        Object value = document.get(field);
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw new IllegalStateException("field '" + field + "' is not a number: " + value);
    }
}
