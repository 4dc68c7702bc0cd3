package io.relaychat.server;

import io.relaychat.domain.Limits;
import io.relaychat.domain.Limits.Rates;
import io.relaychat.domain.Rate;

import java.time.Duration;

/**
 * The core's limits as the environment sets them (the RELAY_* limit rows of {@link Setting}), each
 * defaulting to {@link Limits#defaults()}. A count or rate of 0 turns that limit off.
 */
final class CoreLimits {
    private CoreLimits() {
    }

    static Limits fromEnvironment(EnvReader read) {
        Limits defaults = Limits.defaults();
        return new Limits(
                read.integer(Setting.RELAY_MAX_CONTENT_CHARS),
                read.integer(Setting.RELAY_MAX_UPLOAD_BYTES),
                defaults.catchUpPageSize(),
                defaults.roomCacheSize(),
                Duration.ofMillis(read.integer(Setting.RELAY_GAP_TIMEOUT_MS)),
                defaults.presenceWindow(),
                read.integer(Setting.RELAY_MAX_CONNECTIONS_PER_USER),
                read.integer(Setting.RELAY_MAX_ROOMS_PER_CONNECTION),
                read.integer(Setting.RELAY_MAX_MEMBERS_PER_ROOM_CREATION),
                new Rates(
                        perSecond(read, Setting.RELAY_SEND_RATE_PER_SECOND, Setting.RELAY_SEND_BURST),
                        perSecond(read, Setting.RELAY_TYPING_RATE_PER_SECOND, Setting.RELAY_TYPING_BURST),
                        perSecond(read, Setting.RELAY_JOIN_RATE_PER_SECOND, Setting.RELAY_JOIN_BURST),
                        Rate.of(read.integer(Setting.RELAY_ROOMS_CREATED_PER_HOUR), Duration.ofHours(1)),
                        perSecond(read, Setting.RELAY_SEARCH_RATE_PER_SECOND, Setting.RELAY_SEARCH_BURST),
                        Rate.of(read.integer(Setting.RELAY_UPLOADS_PER_MINUTE), Duration.ofMinutes(1)),
                        Rate.of(read.integer(Setting.RELAY_LOGIN_ATTEMPTS_PER_MINUTE), Duration.ofMinutes(1)),
                        Rate.of(read.integer(Setting.RELAY_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE), Duration.ofMinutes(1)),
                        Rate.of(read.integer(Setting.RELAY_REGISTER_RATE_PER_MINUTE), Duration.ofMinutes(1))));
    }

    /** A rate and its burst, two rows of the table; either 0 turns the limit off. */
    private static Rate perSecond(EnvReader read, Setting rate, Setting burst) {
        double perSecond = read.decimal(rate);
        int count = read.integer(burst);
        return perSecond == 0 || count == 0 ? Rate.OFF : new Rate(perSecond, count);
    }
}
