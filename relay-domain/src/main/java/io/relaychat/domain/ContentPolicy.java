package io.relaychat.domain;

import io.relaychat.ports.model.Refusal;

import java.util.Optional;

/** How long a message may be. Pure: the send path asks it before anything is looked up or stored. */
final class ContentPolicy {
    private final int maxChars;

    ContentPolicy(int maxChars) {
        this.maxChars = maxChars;
    }

    /**
     * Refuses content over the limit, counted in characters as a person counts them: an emoji outside the
     * BMP is one, not the two UTF-16 units Java stores it as.
     */
    Optional<Refusal> check(String content) {
        if (content.length() > maxChars && content.codePointCount(0, content.length()) > maxChars) {
            return Optional.of(Refusal.contentTooLong(maxChars));
        }
        return Optional.empty();
    }
}
