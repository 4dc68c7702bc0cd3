package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RELAY_WS_COMPRESSION=true: a client that offers permessage-deflate gets frames compressed (RSV1) that inflate to
 * the same messages; one that does not gets them as before; a compressed frame that would inflate past the largest
 * message is closed 1009 like any message over the limit.
 */
@IntegrationTest
class WebSocketCompressionTest {
    private static RunningServer server;
    private static Api api;

    @BeforeAll
    static void start() {
        server = RunningServer.start(Map.of("RELAY_WS_COMPRESSION", "true"));
        api = new Api(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Account someone() {
        return api.register("zip" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Test
    void aClientOfferingCompressionGetsCompressedFrames_andOneNotOfferingGetsTheSameMessagesPlain() {
        Account ann = someone();
        Account bob = someone();
        String room = api.createRoom(ann, "zipped", bob);
        String content = "a message long enough to be worth compressing, ".repeat(20);
        try (NettyWsClient compressing = NettyWsClient.connect(server.ws(ann.token()), true);
             NettyWsClient plain = NettyWsClient.connect(server.ws(bob.token()), false)) {
            String agreed = compressing.handshakeResponse().get("Sec-WebSocket-Extensions");
            assertTrue(agreed != null && agreed.startsWith("permessage-deflate"), "negotiated: " + agreed);
            assertNull(plain.handshakeResponse().get("Sec-WebSocket-Extensions"));

            for (NettyWsClient client : new NettyWsClient[]{compressing, plain}) {
                client.send(Map.of("action", "join_room", "room_id", room));
                client.awaitType("presence_update");
            }
            compressing.send(Map.of("action", "send_message", "room_id", room, "content", content));

            NettyWsClient.Received zipped = compressing.awaitType("chat_message");
            NettyWsClient.Received unzipped = plain.awaitType("chat_message");
            assertTrue(zipped.compressed(), "a long message arrives compressed to the client that offered it");
            assertFalse(unzipped.compressed());
            assertEquals(content, zipped.json().path("content").asText());
            assertEquals(zipped.json(), unzipped.json());
            assertTrue(plain.frames().stream().noneMatch(NettyWsClient.Received::compressed));
            // Frames under the threshold (the greeting "Joined room: ...") go out as they are.
            assertFalse(compressing.awaitType("system").compressed());
        }
    }

    @Test
    void aCompressedFrameInflatingPastTheMessageLimitIsClosed1009() {
        Account ann = someone();
        byte[] bomb = deflated(("{\"action\":\"send_message\",\"content\":\"" + " ".repeat(16 * 1024 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        assertTrue(bomb.length < 64 * 1024, "fits in one frame: " + bomb.length);
        try (NettyWsClient client = NettyWsClient.connect(server.ws(ann.token()), true)) {
            client.sendRaw(NettyWsClient.RSV1, bomb);

            assertEquals("frame_too_large", client.awaitType("error").json().path("code").asText());
            assertEquals(1009, client.awaitCloseCode());
        }
        assertEquals(200, api.get("/api/health", null).status());
    }

    /** A message as permessage-deflate sends it: raw deflate, sync-flushed, without the 00 00 ff ff tail. */
    static byte[] deflated(byte[] message) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buffer, 0, n);
            if (n < buffer.length && deflater.needsInput()) {
                break;
            }
        }
        deflater.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }
}
