package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Both I/O transports carry the protocol: the default (epoll on Linux) and NIO, which a machine without the native
 * library falls back to, each serving a real chat between real clients.
 */
@IntegrationTest
class IoTransportTest {

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aChatIsCarriedOnEitherTransport(String transport) {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_IO_TRANSPORT", transport))) {
            Api api = new Api(server);
            Account ann = api.register("ann" + UUID.randomUUID().toString().substring(0, 8));
            Account bob = api.register("bob" + UUID.randomUUID().toString().substring(0, 8));
            String room = api.createRoom(ann, "lobby", bob);
            try (WsClient annWs = WsClient.connect(server.ws(ann.token()));
                 WsClient bobWs = WsClient.connect(server.ws(bob.token()))) {
                annWs.join(room);
                bobWs.join(room);
                for (int i = 1; i <= 20; i++) {
                    annWs.say(room, "m" + i);
                }
                bobWs.awaitMessages(20);
                annWs.awaitMessages(20);
                List<Long> expected = java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList();
                assertEquals(expected, bobWs.seqs(), "every message once, in order, over " + transport);
                assertEquals(expected, annWs.seqs());
            }
        }
    }
}
