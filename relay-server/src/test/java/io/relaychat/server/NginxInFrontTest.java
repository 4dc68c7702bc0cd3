package io.relaychat.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.relaychat.server.Api.Account;
import io.relaychat.server.Api.Response;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/nginx/nginx.conf, the configuration docker-compose.yml runs, run for real by the machine's nginx in front of
 * two nodes on loopback that share a store (a MongoDB-compatible server in this JVM) and a real redis-server, as the
 * compose file's nodes do: clients talk only to nginx, and get what they would get from a node.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxInFrontTest {
    /** A client address other than nginx's own (127.0.0.1), so that the nodes can tell the two apart. */
    private static final String CLIENT_ADDRESS = "127.0.0.2";

    private SharedServices services;
    private RunningServer nodeA;
    private RunningServer nodeB;
    private NginxProcess nginx;
    private Api api;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    void startNodesAndNginx() {
        Path binary = NginxProcess.binary().orElse(null);
        Assumptions.assumeTrue(binary != null, "no nginx on this machine (/usr/sbin/nginx or the PATH): "
                + "the nginx configuration is not run; .ci/run installs Debian's nginx");
        Path debianTemp = Path.of("/var/lib/nginx");
        Assumptions.assumeTrue(!Files.exists(debianTemp) || Files.isWritable(debianTemp), "Debian's nginx keeps "
                + "its temporary files in /var/lib/nginx, which this user cannot write: run as root to run the "
                + "nginx configuration (CI does)");
        services = SharedServices.start();
        Map<String, String> env = services.nodeEnv(
                // nginx connects from 127.0.0.1: as in docker-compose.yml, the nodes believe only its X-Forwarded-For.
                "RELAY_TRUSTED_PROXIES", "127.0.0.1");
        nodeA = RunningServer.start(env);
        nodeB = nodeA.another();
        nginx = NginxProcess.start(binary, DeployFiles.ofRepository().text("deploy/nginx/nginx.conf"),
                List.of(nodeA.port, nodeB.port));
        api = new Api("http://127.0.0.1:" + nginx.port);
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (services != null) {
            services.close();
        }
    }

    private WsClient connect(String uri) {
        WsClient client = WsClient.connect(uri);
        toClose.add(0, client);
        return client;
    }

    @Test
    void aWebSocketThroughNginxGetsTheMessagesSentOnEitherNode() {
        Account ann = api.register("ann");
        Account bob = api.register("bob");
        String room = api.createRoom(ann, "behind nginx", bob);
        WsClient annThroughNginx = connect("ws://127.0.0.1:" + nginx.port + "/api/ws?token=" + ann.token());
        annThroughNginx.join(room);
        WsClient bobOnA = connect(nodeA.ws(bob.token()));
        WsClient bobOnB = connect(nodeB.ws(bob.token()));
        bobOnA.join(room);
        bobOnB.join(room);

        // Ann's WebSocket is on one of the two nodes, so one of these two crosses from the other node.
        bobOnA.say(room, "sent on node A");
        bobOnA.awaitMessages(1);
        bobOnB.say(room, "sent on node B");

        annThroughNginx.awaitMessages(2);
        assertEquals(List.of("sent on node A", "sent on node B"), annThroughNginx.chatMessages().stream()
                .map(message -> message.path("content").asText()).toList());
        assertEquals(List.of(1L, 2L), annThroughNginx.seqs());
    }

    @Test
    void loginAndAnUploadOfTheLargestAllowedFileGoThroughNginxAndOneByteMoreGetsTheServersRefusal() {
        api.register("cat");
        Response login = api.post("/api/auth/login", Map.of("email", "cat@example.com", "password", "password-of-cat"), null);
        assertEquals(200, login.status(), login.body().toString());
        String token = login.body().path("access_token").asText();
        assertEquals("cat", api.get("/api/auth/me", token).body().path("username").asText());

        int limit = (int) ServerConfig.fromEnvironment(Map.of()).limits().maxUploadBytes();
        byte[] largest = new byte[limit];
        new Random(7).nextBytes(largest);
        Response upload = api.upload("largest.bin", largest, token);
        assertEquals(200, upload.status(), "an upload of the server's limit passes nginx: " + upload.status()
                + " " + new String(upload.raw().body(), StandardCharsets.UTF_8));
        Response download = api.get(upload.body().path("url").asText(), token);
        assertEquals(200, download.status());
        assertArrayEquals(largest, download.raw().body(), "the file comes back whole through nginx");

        Response tooLarge = api.upload("too-large.bin", new byte[limit + 1], token);
        assertEquals(413, tooLarge.status());
        assertEquals("payload_too_large", tooLarge.code(), "the server's own refusal, with its code, reaches the client: "
                + new String(tooLarge.raw().body(), StandardCharsets.UTF_8));
    }

    @Test
    void theNodesSeeTheClientsAddressRatherThanNginxs() throws IOException {
        Logger access = (Logger) LoggerFactory.getLogger("relay.access");
        Level level = access.getLevel();
        boolean additive = access.isAdditive();
        List<ILoggingEvent> lines = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> recorder = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                lines.add(event);
            }
        };
        recorder.setContext(access.getLoggerContext());
        recorder.start();
        access.addAppender(recorder);
        access.setLevel(Level.INFO);
        access.setAdditive(false); // the tests' own log stays at warnings
        try {
            String path = "/api/rooms/discover/all";
            assertEquals(401, statusFrom(CLIENT_ADDRESS, path), "the request went through nginx to a node");

            Await.until("the node's access line for " + path, () -> lines.stream().anyMatch(line -> path.equals(field(line, "path"))));
            String client = lines.stream().filter(line -> path.equals(field(line, "path"))).findFirst()
                    .map(line -> field(line, "client")).orElseThrow();
            assertTrue(client.contains(CLIENT_ADDRESS), "the node sees the client at " + CLIENT_ADDRESS
                    + ", not nginx's 127.0.0.1: client=" + client);
        } finally {
            access.detachAppender(recorder);
            access.setLevel(level);
            access.setAdditive(additive);
            recorder.stop();
        }
    }

    private static String field(ILoggingEvent line, String key) {
        List<KeyValuePair> pairs = line.getKeyValuePairs();
        if (pairs == null) {
            return null;
        }
        return pairs.stream().filter(pair -> pair.key.equals(key)).map(pair -> String.valueOf(pair.value)).findFirst().orElse(null);
    }

    /** The status of a GET sent to nginx from {@code sourceAddress} (a loopback address of its own). */
    private int statusFrom(String sourceAddress, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(sourceAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", nginx.port), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: relay.test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(answer.split(" ", 3)[1]);
        }
    }
}
