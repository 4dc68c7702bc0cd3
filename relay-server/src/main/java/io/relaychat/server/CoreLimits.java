package io.relaychat.server;

import io.relaychat.domain.Limits;
import io.relaychat.domain.Limits.Rates;
import io.relaychat.domain.Rate;

import java.time.Duration;

/**
 * The core's limits as the environment sets them (the RELAY_* limit variables of the README), each
 * defaulting to {@link Limits#defaults()}. A count or rate of 0 turns that limit off.
 */
final class CoreLimits {
    private CoreLimits() {
    }

    static Limits fromEnvironment(EnvReader read) {
        Limits defaults = Limits.defaults();
        Rates rates = defaults.rates();
        return new Limits(
                read.integer("RELAY_MAX_CONTENT_CHARS", defaults.maxContentChars(), 1, 1_000_000),
                read.integer("RELAY_MAX_UPLOAD_BYTES", (int) defaults.maxUploadBytes(), 1, 1024 * 1024 * 1024),
                defaults.catchUpPageSize(),
                defaults.roomCacheSize(),
                Duration.ofMillis(read.integer("RELAY_GAP_TIMEOUT_MS", (int) defaults.gapTimeout().toMillis(), 10, 60_000)),
                defaults.presenceWindow(),
                read.integer("RELAY_MAX_CONNECTIONS_PER_USER", defaults.maxConnectionsPerUser(), 0, 1_000_000),
                read.integer("RELAY_MAX_ROOMS_PER_CONNECTION", defaults.maxRoomsPerConnection(), 0, 1_000_000),
                read.integer("RELAY_MAX_MEMBERS_PER_ROOM_CREATION", defaults.maxMembersPerRoomCreation(), 0, 1_000_000),
                new Rates(
                        perSecond(read, "RELAY_SEND", rates.sends()),
                        perSecond(read, "RELAY_TYPING", rates.typing()),
                        perSecond(read, "RELAY_JOIN", rates.joins()),
                        Rate.of(read.integer("RELAY_ROOMS_CREATED_PER_HOUR", rates.roomCreations().burst(), 0, 1_000_000),
                                Duration.ofHours(1)),
                        perSecond(read, "RELAY_SEARCH", rates.searches()),
                        Rate.of(read.integer("RELAY_UPLOADS_PER_MINUTE", rates.uploads().burst(), 0, 1_000_000),
                                Duration.ofMinutes(1)),
                        Rate.of(read.integer("RELAY_LOGIN_ATTEMPTS_PER_MINUTE", rates.logins().burst(), 0, 1_000_000),
                                Duration.ofMinutes(1)),
                        Rate.of(read.integer("RELAY_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE",
                                rates.loginsPerAddress().burst(), 0, 1_000_000), Duration.ofMinutes(1)),
                        Rate.of(read.integer("RELAY_REGISTER_RATE_PER_MINUTE", rates.registrationsPerAddress().burst(),
                                0, 1_000_000), Duration.ofMinutes(1))));
    }

    /** {@code <prefix>_RATE_PER_SECOND} and {@code <prefix>_BURST}; either 0 turns the limit off. */
    private static Rate perSecond(EnvReader read, String prefix, Rate fallback) {
        double perSecond = read.decimal(prefix + "_RATE_PER_SECOND", fallback.perSecond(), 0, 1_000_000);
        int burst = read.integer(prefix + "_BURST", fallback.burst(), 0, 10_000_000);
        return perSecond == 0 || burst == 0 ? Rate.OFF : new Rate(perSecond, burst);
    }
}
