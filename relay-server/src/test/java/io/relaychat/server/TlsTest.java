package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public port over TLS (RELAY_TLS_CERT, RELAY_TLS_KEY): real HTTPS and wss:// clients trusting a certificate
 * the test made, clients that never finish a handshake or speak plain HTTP to it, and files the server refuses.
 */
@IntegrationTest
class TlsTest {
    private static TestCertificate certificate;
    private static RunningServer server;
    private static HttpClient client;
    private static Api api;

    @BeforeAll
    static void start() {
        certificate = TestCertificate.make("EC");
        server = RunningServer.start(Map.of("RELAY_TLS_CERT", certificate.certificate.toString(),
                "RELAY_TLS_KEY", certificate.key.toString(), "RELAY_HTTP_HEAD_TIMEOUT_SECONDS", "1"));
        client = HttpClient.newBuilder().sslContext(certificate.trustingClient()).connectTimeout(Duration.ofSeconds(5)).build();
        api = new Api("https://127.0.0.1:" + server.port, client);
    }

    @AfterAll
    static void stop() {
        server.close();
        certificate.close();
    }

    private static Account someone() {
        return api.register("tls" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Test
    void anHttpsClientRegistersAndReadsHealth_andIsToldToStayOnHttps() {
        Account ann = someone();
        Api.Response health = api.get("/api/health", ann.token());

        assertEquals(200, health.status());
        assertEquals("healthy", health.body().path("status").asText());
        assertEquals("max-age=31536000", health.header("Strict-Transport-Security"));
        assertEquals("TLSv1.3", health.raw().sslSession().orElseThrow().getProtocol());
        try (RunningServer plain = RunningServer.start()) {
            Api.Response inTheClear = new Api(plain).get("/api/health", null);
            assertEquals(200, inTheClear.status());
            assertEquals(null, inTheClear.header("Strict-Transport-Security"), "only over TLS");
        }
    }

    @Test
    void twoWssClientsChat() {
        Account ann = someone();
        Account bob = someone();
        String room = api.createRoom(ann, "secure", bob);
        String wss = "wss://127.0.0.1:" + server.port + "/api/ws?token=";
        try (WsClient annWs = WsClient.connect(wss + ann.token(), client);
             WsClient bobWs = WsClient.connect(wss + bob.token(), client)) {
            annWs.join(room);
            bobWs.join(room);

            annWs.say(room, "over TLS");

            bobWs.awaitMessages(1);
            assertEquals("over TLS", bobWs.chatMessages().get(0).path("content").asText());
        }
    }

    /**
     * Bursts over TLS, each socket in a room it shares with the others and in one of its own: a broadcast's frame is
     * the same bytes for every socket of an event loop, TLS gathers a socket's pending frames before it encrypts
     * them, and each socket's frames come in another order; every frame must reach its socket intact and in order.
     */
    @Test
    void burstsToSeveralWssClientsInterleavedDifferentlyArriveIntactAndInOrderAtEachOfThem() {
        Account ann = someone();
        List<Account> readers = List.of(someone(), someone(), someone(), someone());
        String shared = api.createRoom(ann, "secure burst", readers.toArray(Account[]::new));
        String wss = "wss://127.0.0.1:" + server.port + "/api/ws?token=";
        List<WsClient> sockets = new java.util.ArrayList<>();
        List<String> own = new java.util.ArrayList<>();
        try (WsClient annWs = WsClient.connect(wss + ann.token(), client)) {
            for (Account reader : readers) {
                WsClient socket = WsClient.connect(wss + reader.token(), client);
                sockets.add(socket);
                own.add(api.createRoom(reader, "own of " + reader.username()));
                socket.join(shared);
                socket.join(own.get(own.size() - 1));
            }
            annWs.join(shared);
            int burst = 100;
            for (int i = 0; i < burst; i++) {
                annWs.say(shared, "shared " + i + " " + "x".repeat(i * 7));
                for (int r = 0; r < sockets.size(); r++) {
                    sockets.get(r).say(own.get(r), "own " + r + " " + i + " " + "y".repeat(i * 5 + r));
                }
            }
            for (int r = 0; r < sockets.size(); r++) {
                WsClient socket = sockets.get(r);
                socket.awaitMessages(2 * burst);
                List<String> inShared = contentsIn(socket, shared);
                List<String> inOwn = contentsIn(socket, own.get(r));
                for (int i = 0; i < burst; i++) {
                    assertEquals("shared " + i + " " + "x".repeat(i * 7), inShared.get(i));
                    assertEquals("own " + r + " " + i + " " + "y".repeat(i * 5 + r), inOwn.get(i));
                }
            }
        } finally {
            sockets.forEach(WsClient::close);
        }
    }

    private static List<String> contentsIn(WsClient socket, String room) {
        return socket.chatMessages().stream().filter(m -> m.path("room_id").asText().equals(room))
                .map(m -> m.path("content").asText()).toList();
    }

    @Test
    void plainHttpToTheTlsPortIsClosed_andTheNodeGoesOnServing() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (Socket socket = new Socket("127.0.0.1", server.port)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] answer = readToEnd(socket.getInputStream());
                assertFalse(new String(answer, StandardCharsets.ISO_8859_1).contains("HTTP/1.1"),
                        "no plain HTTP answer on the TLS port");
            }
        }
        assertEquals(200, api.get("/api/health", null).status());
    }

    @Test
    void aHandshakeThatNeverFinishesIsClosed() throws Exception {
        SSLEngine engine = certificate.trustingClient().createSSLEngine("127.0.0.1", server.port);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), hello);
        hello.flip();
        try (Socket socket = new Socket("127.0.0.1", server.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(hello.array(), 0, hello.limit());
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            assertEquals(0x16, in.read(), "the server answers the ClientHello with a handshake record");
            // ... and the client goes silent, its handshake never finished.
            assertEquals(-1, readOrTimeOut(in), "closed by the server within the handshake timeout");
        }
    }

    @Test
    void aPkcs1KeyFailsStartUpSayingHowToConvertIt() throws IOException {
        try (TestCertificate rsa = TestCertificate.make("RSA")) {
            Path pkcs1 = rsa.pkcs1Key();

            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> RunningServer.start(tlsEnv(rsa.certificate, pkcs1)).close());

            assertTrue(refused.getMessage().contains("PKCS#1"), refused.getMessage());
            assertTrue(refused.getMessage().contains("openssl pkcs8 -topk8 -nocrypt -in " + pkcs1),
                    refused.getMessage());
        }
    }

    @Test
    void aMissingCertificateFailsStartUpNamingTheFile() {
        Path missing = certificate.certificate.resolveSibling("no-such-cert.pem");

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> RunningServer.start(tlsEnv(missing, certificate.key)).close());

        assertTrue(refused.getMessage().contains(missing + " cannot be read: no such file"), refused.getMessage());
    }

    private static Map<String, String> tlsEnv(Path cert, Path key) {
        Map<String, String> env = new HashMap<>();
        env.put("RELAY_TLS_CERT", cert.toString());
        env.put("RELAY_TLS_KEY", key.toString());
        return env;
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        } catch (IOException reset) {
            return new byte[0]; // a reset is closed too
        }
    }

    private static int readOrTimeOut(InputStream in) throws IOException {
        try {
            while (true) {
                int read = in.read();
                if (read == -1) {
                    return -1;
                }
            }
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (IOException reset) {
            return -1;
        }
    }
}
