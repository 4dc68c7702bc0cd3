package io.relaychat.domain;

import io.relaychat.ports.model.Refusal;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The content limit, counted as a person counts characters. */
class ContentPolicyTest {
    private final ContentPolicy fiveChars = new ContentPolicy(5);

    @Test
    void contentUpToTheLimitIsAccepted() {
        assertEquals(Optional.empty(), fiveChars.check("hello"));
        assertEquals(Optional.empty(), fiveChars.check(""));
    }

    @Test
    void contentOverTheLimitIsRefusedNamingTheLimit() {
        assertEquals(Optional.of(Refusal.contentTooLong(5)), fiveChars.check("hello!"));
        assertEquals("Message content exceeds 5 characters", fiveChars.check("hello!").orElseThrow().message());
    }

    @Test
    void anEmojiOutsideTheBasicPlaneCountsAsOneCharacterNotTwo() {
        String fiveEmoji = "😀😀😀😀😀";

        assertEquals(10, fiveEmoji.length(), "two UTF-16 units each");
        assertEquals(Optional.empty(), fiveChars.check(fiveEmoji));
        assertEquals(Optional.of(Refusal.contentTooLong(5)), fiveChars.check(fiveEmoji + "😀"));
    }
}
