package io.relaychat.domain;

import java.time.Duration;

/**
 * The bounds the core enforces. {@link #defaults()} is where their default values are written: the server's
 * configuration reads its defaults from there.
 *
 * @param maxContentChars longest message content accepted, in characters
 * @param maxUploadBytes  largest uploaded file accepted
 * @param catchUpPageSize messages read from the store per page while a connection resumes from a seq
 * @param roomCacheSize   rooms kept in the membership cache
 * @param gapTimeout      how long a message waits for a missing earlier one before the store is asked
 *                        for it, and, if the store has it not, the missing one is given up on
 * @param presenceWindow  presence changes of a room within this window after an update are sent as one
 */
public record Limits(int maxContentChars, long maxUploadBytes, int catchUpPageSize, int roomCacheSize,
                     Duration gapTimeout, Duration presenceWindow) {

    public Limits {
        if (maxContentChars < 1) {
            throw new IllegalArgumentException("maxContentChars must be positive");
        }
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("maxUploadBytes must be positive");
        }
        if (catchUpPageSize < 1) {
            throw new IllegalArgumentException("catchUpPageSize must be positive");
        }
        if (roomCacheSize < 1) {
            throw new IllegalArgumentException("roomCacheSize must be positive");
        }
        if (gapTimeout == null || gapTimeout.isNegative() || gapTimeout.isZero()) {
            throw new IllegalArgumentException("gapTimeout must be positive");
        }
        if (presenceWindow == null || presenceWindow.isNegative() || presenceWindow.isZero()) {
            throw new IllegalArgumentException("presenceWindow must be positive");
        }
    }

    public static Limits defaults() {
        return new Limits(4000, 10L * 1024 * 1024, 500, 10_000, Duration.ofMillis(200), Duration.ofMillis(250));
    }

    public Limits withMaxContentChars(int value) {
        return new Limits(value, maxUploadBytes, catchUpPageSize, roomCacheSize, gapTimeout, presenceWindow);
    }

    public Limits withMaxUploadBytes(long value) {
        return new Limits(maxContentChars, value, catchUpPageSize, roomCacheSize, gapTimeout, presenceWindow);
    }

    public Limits withGapTimeout(Duration value) {
        return new Limits(maxContentChars, maxUploadBytes, catchUpPageSize, roomCacheSize, value, presenceWindow);
    }
}
