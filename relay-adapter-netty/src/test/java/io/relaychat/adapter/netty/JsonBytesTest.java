package io.relaychat.adapter.netty;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.RoomEvent;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whatever a user writes, and whatever their id or name holds, a live message's JSON reads back as exactly what was
 * sent: every character of every script, quotes, backslashes, control characters, and a lone surrogate a client
 * could put in through a {@code \\u} escape. Numbers of any size and sign read back too.
 */
class JsonBytesTest {
    private static final Instant AT = Instant.parse("2026-12-01T10:00:00.250Z");

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withChars("\"\\/\b\f\n\r\t\u0000\u001f\u007f\u0080\u07ff\u0800\u2028\uffff")
                        .withChars('\ud83d', '\ude00', '\ud800', '\udfff').ofMaxLength(40),
                Arbitraries.strings().ascii().ofMaxLength(2_000));
    }

    @Property(tries = 2_000)
    void aMessageReadsBackAsItWasWritten(@ForAll("anyText") String content, @ForAll("anyText") String username,
                                         @ForAll("anyText") String attachment, @ForAll @LongRange(min = 1) long seq) throws IOException {
        ChatMessage message = new ChatMessage(new MessageId("m-1"), new RoomId("r-1"), new UserId("u-1"), username,
                content, AT, List.of(attachment, "/static/uploads/a.png"), seq, "c-\u00e9");

        JsonNode read = WireFormat.MAPPER.readTree(WireFormat.encode(new RoomEvent.MessagePosted(message)));

        assertEquals("chat_message", read.path("type").textValue());
        assertEquals(content, read.path("content").textValue());
        assertEquals(username, read.path("username").textValue());
        assertEquals(attachment, read.path("attachments").path(0).textValue());
        assertEquals(seq, read.path("seq").longValue());
        assertEquals("c-\u00e9", read.path("client_id").textValue());
        assertEquals("2026-12-01T10:00:00.250Z", read.path("timestamp").textValue());
    }

    @Property
    void anyNumberReadsBack(@ForAll long number) throws IOException {
        byte[] written = JsonBytes.start().field(JsonBytes.name("n"), number).toBytes();

        assertEquals(number, WireFormat.MAPPER.readTree(written).path("n").longValue());
        assertEquals("{\"n\":" + number + "}", new String(written, StandardCharsets.US_ASCII));
    }

    @Test
    void textThatNeedsNoEscapeIsWrittenAsItsUtf8() {
        String text = "héllo, 世界 😀";
        byte[] expected = ("{\"content\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);

        assertArrayEquals(expected, JsonBytes.start().field(JsonBytes.name("content"), text).toBytes());
    }

    @Test
    void controlCharactersUseTheirShortEscapesWhereJsonHasThem() {
        byte[] written = JsonBytes.start().field(JsonBytes.name("t"), "a\"b\\c\nd\te\u0001").toBytes();

        assertEquals("{\"t\":\"a\\\"b\\\\c\\nd\\te\\u0001\"}", new String(written, StandardCharsets.UTF_8));
    }

    @Test
    void aLargeMessageThenASmallOneEachGetOnlyTheirOwnBytes() throws IOException {
        String large = "x".repeat(100_000);
        byte[] first = JsonBytes.start().field(JsonBytes.name("t"), large).toBytes();
        byte[] second = JsonBytes.start().field(JsonBytes.name("t"), "y").toBytes();

        assertEquals(large, WireFormat.MAPPER.readTree(first).path("t").textValue());
        assertEquals("{\"t\":\"y\"}", new String(second, StandardCharsets.UTF_8));
    }
}
