package io.relaychat.loadtest;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load generator reads permessage-deflate messages as real deflaters write them. */
class FrameInflaterTest {
    private static final List<String> MESSAGES = List.of(
            "{\"type\":\"chat_message\",\"content\":\"" + "hello ".repeat(100) + "\"}",
            "{\"type\":\"chat_message\",\"content\":\"" + "hello ".repeat(100) + "again\"}",
            "{\"type\":\"presence_update\",\"online_users\":{}}");

    @Test
    void messagesOfASenderThatKeepsItsContextInflateInOrder() throws IOException {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try (FrameInflater inflater = new FrameInflater(1 << 20)) {
            for (String message : MESSAGES) {
                assertEquals(message, text(inflater.inflate(message(deflater, message))));
            }
        } finally {
            deflater.end();
        }
    }

    @Test
    void messagesOfASenderThatStartsEachAfreshInflateOnOneInflater() throws IOException {
        try (FrameInflater inflater = new FrameInflater(1 << 20)) {
            for (String message : MESSAGES) {
                Deflater fresh = new Deflater(Deflater.BEST_SPEED, true);
                assertEquals(message, text(inflater.inflate(message(fresh, message))));
                fresh.end();
            }
        }
    }

    @Test
    void aSecondMessageCompressesFarBetterWithContext_soTheWindowIsReallyKept() throws IOException {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[] first = message(deflater, MESSAGES.get(0));
        byte[] second = message(deflater, MESSAGES.get(1));
        deflater.end();
        assertTrue(second.length < first.length / 2, first.length + " then " + second.length);
        try (FrameInflater inflater = new FrameInflater(1 << 20)) {
            inflater.inflate(first);
            assertEquals(MESSAGES.get(1), text(inflater.inflate(second)));
        }
    }

    @Test
    void aMessageInflatingPastTheBoundIsRefused() {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] bomb = message(deflater, " ".repeat(4 << 20));
        deflater.end();
        try (FrameInflater inflater = new FrameInflater(1 << 20)) {
            assertThrows(IOException.class, () -> inflater.inflate(bomb));
        }
    }

    @Test
    void anUpgradeAnswerAgreesOnlyWhenItSaysSo() {
        assertTrue(FrameInflater.agreed("HTTP/1.1 101 Switching Protocols\r\nsec-websocket-extensions: permessage-deflate\r\n\r\n"));
        assertEquals(false, FrameInflater.agreed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"));
    }

    /** What permessage-deflate puts in a frame: the message sync-flushed, its 00 00 ff ff tail left off. */
    private static byte[] message(Deflater deflater, String text) {
        deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length || !deflater.needsInput());
        byte[] all = out.toByteArray();
        assertEquals(List.of((byte) 0, (byte) 0, (byte) 0xff, (byte) 0xff),
                List.of(all[all.length - 4], all[all.length - 3], all[all.length - 2], all[all.length - 1]));
        return Arrays.copyOf(all, all.length - 4);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
