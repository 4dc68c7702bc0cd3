package io.relaychat.ports.in;

import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.RoomId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the commands refuse before any adapter can hand them to the core: names and links that mislead. */
class CommandValidationTest {
    private static final RoomId ROOM = new RoomId("r");

    @Test
    void aUsernameIsTrimmedAndMayHoldAnyVisibleCharacter() {
        assertEquals("Zoë 佐藤 😀 <b>", new RegisterCommand("a@b.co", "  Zoë 佐藤 😀 <b> ", "password1").username());
    }

    @Test
    void aUsernameWithControlFormattingOrDirectionCharactersIsRefusedNamingTheField() {
        for (String name : List.of("nul\u0000", "line\nbreak", "evil\u202Eexe.txt", "zero\u200Bwidth", "bom\uFEFF",
                "isolate\u2066x", "sep\u2028arator", "bell\u0007")) {
            InvalidCommandException refused = assertThrows(InvalidCommandException.class,
                    () -> new RegisterCommand("a@b.co", name, "password1"), name);
            assertEquals("username", refused.field());
        }
    }

    @Test
    void aUsernameIsCountedInCharactersNotUtf16Units() {
        new RegisterCommand("a@b.co", "😀".repeat(RegisterCommand.MAX_USERNAME_LENGTH), "password1");
        assertThrows(InvalidCommandException.class,
                () -> new RegisterCommand("a@b.co", "😀".repeat(RegisterCommand.MAX_USERNAME_LENGTH + 1), "password1"));
    }

    @Test
    void attachmentsAreThisServersUploadsOrHttpsLinks() {
        new SendMessageCommand(ROOM, "", List.of("/static/uploads/3f2a-9c.png", "/static/uploads/abc",
                "https://example.com/a?b=c#d"), null);
    }

    @Test
    void anyOtherAttachmentIsRefusedNamingTheField() {
        for (String url : List.of("javascript:alert(1)", "data:text/html,<script>x</script>", "http://example.com/a",
                "/static/uploads/../../etc/passwd", "/static/uploads/a.png?x=1", "/elsewhere/a.png", "https://",
                "https://user:pass@example.com/", "//example.com/a", " https://example.com", "",
                "https://example.com/" + "x".repeat(Attachments.MAX_URL_LENGTH))) {
            InvalidCommandException refused = assertThrows(InvalidCommandException.class,
                    () -> new SendMessageCommand(ROOM, "look", List.of(url), null), url);
            assertEquals("attachments", refused.field());
        }
    }
}
