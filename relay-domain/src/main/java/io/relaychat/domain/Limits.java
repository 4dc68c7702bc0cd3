package io.relaychat.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds the core enforces. {@link #defaults()} is where their default values are written: the server's
 * configuration reads its defaults from there. A count of 0 or {@link Rate#OFF} turns a limit off.
 *
 * @param maxContentChars           longest message content accepted, in characters
 * @param maxUploadBytes            largest uploaded file accepted
 * @param catchUpPageSize           messages read from the store per page while a connection resumes from a seq;
 *                                  at most ~1.2 MB of the longest messages, so that a page fits in front of a
 *                                  client that reads
 * @param roomCacheSize             rooms kept in the membership cache
 * @param gapTimeout                how long a message waits for a missing earlier one before the store is asked
 *                                  for it, and, if the store has it not, the missing one is given up on
 * @param presenceWindow            presence changes of a room within this window after an update are sent as one
 * @param maxConnectionsPerUser     live connections one user may have to this node at once
 * @param maxRoomsPerConnection     rooms one connection may have joined at once
 * @param maxMembersPerRoomCreation members one request to create a room may name
 * @param rates                     how often one user may do what, on this node
 */
public record Limits(int maxContentChars, long maxUploadBytes, int catchUpPageSize, int roomCacheSize,
                     Duration gapTimeout, Duration presenceWindow, int maxConnectionsPerUser,
                     int maxRoomsPerConnection, int maxMembersPerRoomCreation, Rates rates) {

    /**
     * Per user and node, but for the per-address ones (per client address and node). A send burst fits a client
     * replaying its unacknowledged sends after a reconnect; joins fit a client rejoining all its rooms at once.
     * Addresses are shared (a NAT, a proxy, a whole office), so their limits are several times one user's.
     *
     * @param sends                   {@code send_message}
     * @param typing                  {@code typing}
     * @param joins                   {@code join_room}, and leaving a room (REST)
     * @param roomCreations           rooms created (REST)
     * @param searches                user searches (REST)
     * @param uploads                 file uploads (REST)
     * @param logins                  failed login attempts per email, so that a password cannot be guessed at speed
     * @param loginsPerAddress        failed login attempts per client address, whatever the emails: one address
     *                                guessing across many accounts is slowed as one guessing at one
     * @param registrationsPerAddress registrations per client address, refused or not
     */
    public record Rates(Rate sends, Rate typing, Rate joins, Rate roomCreations, Rate searches, Rate uploads,
                        Rate logins, Rate loginsPerAddress, Rate registrationsPerAddress) {
        /** Thirty failed logins a minute: three accounts' worth of the per-email limit, from one address. */
        public static final int DEFAULT_FAILED_LOGINS_PER_ADDRESS_PER_MINUTE = 30;
        /**
         * Sixty a minute, then one a second: a classroom or an office behind one NAT signing up at once fits (and
         * so do the project's test suites, a few dozen accounts each from 127.0.0.1), a script making accounts by
         * the thousand does not.
         */
        public static final int DEFAULT_REGISTRATIONS_PER_ADDRESS_PER_MINUTE = 60;

        public Rates {
            Objects.requireNonNull(sends, "sends");
            Objects.requireNonNull(typing, "typing");
            Objects.requireNonNull(joins, "joins");
            Objects.requireNonNull(roomCreations, "roomCreations");
            Objects.requireNonNull(searches, "searches");
            Objects.requireNonNull(uploads, "uploads");
            Objects.requireNonNull(logins, "logins");
            Objects.requireNonNull(loginsPerAddress, "loginsPerAddress");
            Objects.requireNonNull(registrationsPerAddress, "registrationsPerAddress");
        }

        /** The per-user rates, with the per-address ones at their defaults. */
        public Rates(Rate sends, Rate typing, Rate joins, Rate roomCreations, Rate searches, Rate uploads, Rate logins) {
            this(sends, typing, joins, roomCreations, searches, uploads, logins,
                    Rate.of(DEFAULT_FAILED_LOGINS_PER_ADDRESS_PER_MINUTE, Duration.ofMinutes(1)),
                    Rate.of(DEFAULT_REGISTRATIONS_PER_ADDRESS_PER_MINUTE, Duration.ofMinutes(1)));
        }

        public static Rates defaults() {
            return new Rates(new Rate(20, 400), new Rate(2, 5), new Rate(20, 200), Rate.of(100, Duration.ofHours(1)),
                    new Rate(5, 20), Rate.of(30, Duration.ofMinutes(1)), Rate.of(10, Duration.ofMinutes(1)));
        }

        /** No rate limits at all, for a core whose callers are trusted (or limited elsewhere). */
        public static Rates off() {
            return new Rates(Rate.OFF, Rate.OFF, Rate.OFF, Rate.OFF, Rate.OFF, Rate.OFF, Rate.OFF, Rate.OFF, Rate.OFF);
        }

        /** These rates with the per-address ones replaced. */
        public Rates withPerAddress(Rate failedLogins, Rate registrations) {
            return new Rates(sends, typing, joins, roomCreations, searches, uploads, logins, failedLogins, registrations);
        }
    }

    public Limits {
        positive(maxContentChars, "maxContentChars");
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("maxUploadBytes must be positive");
        }
        positive(catchUpPageSize, "catchUpPageSize");
        positive(roomCacheSize, "roomCacheSize");
        if (gapTimeout == null || gapTimeout.isNegative() || gapTimeout.isZero()) {
            throw new IllegalArgumentException("gapTimeout must be positive");
        }
        if (presenceWindow == null || presenceWindow.isNegative() || presenceWindow.isZero()) {
            throw new IllegalArgumentException("presenceWindow must be positive");
        }
        notNegative(maxConnectionsPerUser, "maxConnectionsPerUser");
        notNegative(maxRoomsPerConnection, "maxRoomsPerConnection");
        notNegative(maxMembersPerRoomCreation, "maxMembersPerRoomCreation");
        Objects.requireNonNull(rates, "rates");
    }

    public static Limits defaults() {
        return new Limits(4000, 10L * 1024 * 1024, 100, 10_000, Duration.ofMillis(200), Duration.ofMillis(250),
                32, 500, 500, Rates.defaults());
    }

    public Limits withMaxContentChars(int value) {
        return new Limits(value, maxUploadBytes, catchUpPageSize, roomCacheSize, gapTimeout, presenceWindow,
                maxConnectionsPerUser, maxRoomsPerConnection, maxMembersPerRoomCreation, rates);
    }

    public Limits withMaxUploadBytes(long value) {
        return new Limits(maxContentChars, value, catchUpPageSize, roomCacheSize, gapTimeout, presenceWindow,
                maxConnectionsPerUser, maxRoomsPerConnection, maxMembersPerRoomCreation, rates);
    }

    public Limits withGapTimeout(Duration value) {
        return new Limits(maxContentChars, maxUploadBytes, catchUpPageSize, roomCacheSize, value, presenceWindow,
                maxConnectionsPerUser, maxRoomsPerConnection, maxMembersPerRoomCreation, rates);
    }

    /** Connections per user, rooms per connection and members per room creation; 0 turns one off. */
    public Limits withSizes(int connectionsPerUser, int roomsPerConnection, int membersPerRoomCreation) {
        return new Limits(maxContentChars, maxUploadBytes, catchUpPageSize, roomCacheSize, gapTimeout, presenceWindow,
                connectionsPerUser, roomsPerConnection, membersPerRoomCreation, rates);
    }

    public Limits withRates(Rates value) {
        return new Limits(maxContentChars, maxUploadBytes, catchUpPageSize, roomCacheSize, gapTimeout, presenceWindow,
                maxConnectionsPerUser, maxRoomsPerConnection, maxMembersPerRoomCreation, value);
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    private static void notNegative(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be 0 (off) or more");
        }
    }
}
