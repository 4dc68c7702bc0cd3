package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How connections end: idle peers, server shutdown, and delivery staying live under a login storm. */
@IntegrationTest
class ConnectionLifecycleTest {

    @Test
    void aPeerThatNeverAnswersOurPingIsClosedAfterTheIdleTimeoutWhileALiveOneStays() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_IDLE_TIMEOUT_SECONDS", "2"));
             WsClient live = WsClient.connect(server.ws(new Api(server).register("live").token()));
             Socket silent = new Socket("127.0.0.1", server.port)) {
            String token = new Api(server).register("silent").token();
            silent.setSoTimeout(10_000);
            handshake(silent, token);

            List<Integer> opcodes = new ArrayList<>();
            int closeCode = readFramesUntilClose(silent.getInputStream(), opcodes);

            assertEquals(List.of(0x9, 0x8), opcodes, "a ping, then the close");
            assertEquals(1001, closeCode);
            live.send(Map.of("action", "ping"));
            live.awaitType("pong");
            assertFalse(live.isClosed(), "a client that answers pings is not idle");
        }
    }

    @Test
    void shutdownClosesWebSocketsWith1001AndStopsAccepting() {
        RunningServer server = RunningServer.start();
        Api api = new Api(server);
        Account ann = api.register("ann");
        String room = api.createRoom(ann, "bye");
        WsClient ws = WsClient.connect(server.ws(ann.token()));
        ws.join(room);

        server.close();

        assertEquals(1001, ws.awaitCloseCode());
        assertEquals("Server shutting down", ws.closeReason());
        try (Socket refused = new Socket("127.0.0.1", server.port)) {
            throw new AssertionError("still accepting connections on " + refused.getPort());
        } catch (IOException expected) {
            // the listening socket is gone
        }
    }

    /**
     * bcrypt at production cost on a single thread makes 200 logins take seconds; messages sent meanwhile
     * must all arrive while most of those logins are still waiting their turn. The per-email login limit is
     * off here: with it, all but ten of the storm's logins are refused before hashing, and the hashing pool
     * is what this tests.
     */
    @Test
    void aLoginStormDoesNotHoldUpMessageDelivery() {
        // The storm must reach the hashing pool and queue there: no rate limit and no wait bound turns it away.
        try (RunningServer server = RunningServer.start(Map.of("RELAY_BCRYPT_COST", "10", "RELAY_BCRYPT_THREADS", "1",
                "RELAY_LOGIN_ATTEMPTS_PER_MINUTE", "0", "RELAY_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", "0",
                "RELAY_BCRYPT_MAX_WAIT_MS", "0"))) {
            Api api = new Api(server);
            Account ann = api.register("ann");
            String room = api.createRoom(ann, "storm");
            try (WsClient sender = WsClient.connect(server.ws(ann.token()));
                 WsClient receiver = WsClient.connect(server.ws(ann.token()))) {
                sender.join(room);
                receiver.join(room);
                AtomicInteger loginsDone = new AtomicInteger();
                List<CompletableFuture<Void>> logins = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    logins.add(CompletableFuture.runAsync(() -> {
                        api.post("/api/auth/login", Map.of("email", ann.email(), "password", "wrong-password"), null);
                        loginsDone.incrementAndGet();
                    }));
                }
                Await.until("the storm has begun", () -> loginsDone.get() >= 1);

                for (int i = 0; i < 20; i++) {
                    sender.say(room, "during the storm " + i);
                }
                receiver.awaitMessages(20);
                int doneWhenDelivered = loginsDone.get();

                assertTrue(doneWhenDelivered < 100, "messages waited for " + doneWhenDelivered + " logins");
                logins.forEach(login -> login.cancel(true));
            }
        }
    }

    @Test
    void givenASubscriberThatStopsReading_thenItIsDisconnectedAndTheOthersStillReceiveEverything() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_MAX_CONTENT_CHARS", "60000",
                "RELAY_MAX_FRAME_BYTES", "131072"))) {
            Api api = new Api(server);
            Account ann = api.register("ann");
            Account bob = api.register("bob");
            Account stuck = api.register("stuck");
            String room = api.createRoom(ann, "firehose", bob, stuck);
            try (WsClient sender = WsClient.connect(server.ws(ann.token()));
                 WsClient reader = WsClient.connect(server.ws(bob.token()));
                 Socket slow = new Socket("127.0.0.1", server.port)) {
                sender.join(room);
                reader.join(room);
                slow.setReceiveBufferSize(4096);
                handshake(slow, stuck.token());
                sendMasked(slow, "{\"action\":\"join_room\",\"room_id\":\"" + room + "\"}");
                reader.awaitFrame("stuck online", frame -> frame.path("type").asText().equals("presence_update")
                        && frame.path("online_users").has(stuck.id()));
                reader.clear();

                String big = "x".repeat(60_000);
                for (int i = 0; i < 400; i++) {
                    sender.say(room, big);
                }

                reader.awaitMessages(400);
                reader.awaitFrame("stuck dropped from presence", frame -> frame.path("type").asText().equals("presence_update")
                        && !frame.path("online_users").has(stuck.id()));
                assertEquals(400, reader.chatMessages().size(), "the reader got every message");
            }
        }
    }

    /** A client frame: masked, as the protocol requires of clients. */
    private static void sendMasked(Socket socket, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] key = {1, 2, 3, 4};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(0x80 | payload.length);
        frame.write(key);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ key[i % 4]);
        }
        socket.getOutputStream().write(frame.toByteArray());
        socket.getOutputStream().flush();
    }

    private static void handshake(Socket socket, String token) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /api/ws?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("handshake cut short: " + head);
            }
            head.write(b);
        }
        assertTrue(head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101"), head.toString());
    }

    /** Reads server frames, recording opcodes, until a close frame; returns its status code. */
    private static int readFramesUntilClose(InputStream raw, List<Integer> opcodes) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        while (true) {
            int first = in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = (int) in.readLong();
            }
            byte[] payload = in.readNBytes(length);
            int opcode = first & 0x0f;
            opcodes.add(opcode);
            if (opcode == 0x8) {
                return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            }
        }
    }

}
