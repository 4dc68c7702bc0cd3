package io.relaychat.adapter.local;

import java.util.HashMap;

/**
 * A hash index kept in {@link #STRIPES} maps by its keys' hashes, so that growing it copies one stripe, not the whole.
 * <p>
 * The message store's indexes take an entry for every message of every room under the store's one lock. A single map
 * of them doubles its table inline when it fills: at 393 216 entries that is a rehash of all of them while every
 * event loop appending waits on the lock, tens of milliseconds in which no message is stored or delivered (a ramp's
 * p99 went from under 10 to over 140 ms at the step that crossed it). In stripes, the same total work comes in pieces
 * a sixty-fourth of the size. Not thread-safe: its owner's lock guards it.
 */
final class StripedIndex<K, V> {
    static final int STRIPES = 64;

    @SuppressWarnings("unchecked")
    private final HashMap<K, V>[] stripes = new HashMap[STRIPES];

    StripedIndex() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new HashMap<>();
        }
    }

    V get(K key) {
        return stripeOf(key).get(key);
    }

    void put(K key, V value) {
        stripeOf(key).put(key, value);
    }

    /** Removes {@code key} only while it still maps to {@code value}. */
    void remove(K key, V value) {
        stripeOf(key).remove(key, value);
    }

    /** The entries of the fullest stripe: what one stripe's growth copies at most. */
    int largestStripe() {
        int largest = 0;
        for (HashMap<K, V> stripe : stripes) {
            largest = Math.max(largest, stripe.size());
        }
        return largest;
    }

    /** The high bits pick the stripe: each stripe's own table indexes by the low ones, which then stay spread. */
    private HashMap<K, V> stripeOf(K key) {
        int hash = key.hashCode();
        hash ^= hash >>> 16;
        return stripes[(hash * 0x9E3779B9) >>> 26];
    }
}
