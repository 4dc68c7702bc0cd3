package io.relaychat.server;

import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A WebSocket client no browser would be, over a bare socket against the real server. */
@IntegrationTest
class HostileWebSocketClientsTest {

    /** Before, the bytes became U+FFFD and the client was told "Invalid JSON", as if nothing were wrong with it. */
    @Test
    void aTextFrameThatIsNotUtf8IsClosedWith1007() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of());
             RawHttp socket = new RawHttp(server.port)) {
            String token = new Api(server).register("mangler").token();
            assertEquals(101, socket.upgrade(token).status());

            byte[] notUtf8 = {'{', '"', 'a', 'c', 't', 'i', 'o', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            socket.sendText(notUtf8);

            assertEquals(1007, closeCode(new DataInputStream(socket.socket.getInputStream())));
        }
    }

    /** Reads server frames until a close; its status code. */
    private static int closeCode(DataInputStream in) throws IOException {
        while (true) {
            int opcode = in.readUnsignedByte() & 0x0f;
            int length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = (int) in.readLong();
            }
            byte[] payload = in.readNBytes(length);
            if (opcode == 0x8) {
                return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            }
            if (opcode == 0x1) {
                System.out.println("before the close: " + new String(payload, StandardCharsets.UTF_8));
            }
        }
    }
}
