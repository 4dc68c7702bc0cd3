package io.relaychat.domain;

import java.time.Duration;

/**
 * How often one client may do one kind of thing: {@code perSecond} on average, up to {@code burst} at once
 * after a quiet while. {@link #OFF} (either number 0) allows anything.
 */
public record Rate(double perSecond, int burst) {
    public static final Rate OFF = new Rate(0, 0);

    public Rate {
        if (perSecond < 0 || Double.isNaN(perSecond) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("perSecond must be a finite number, at least 0");
        }
        if (burst < 0) {
            throw new IllegalArgumentException("burst must be at least 0");
        }
    }

    /** {@code count} per {@code period}, all of them at once if saved up. */
    public static Rate of(int count, Duration period) {
        return count == 0 ? OFF : new Rate(count / (period.toNanos() / 1e9), count);
    }

    public boolean isOff() {
        return perSecond == 0 || burst == 0;
    }
}
