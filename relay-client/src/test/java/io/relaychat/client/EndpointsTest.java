package io.relaychat.client;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EndpointsTest {
    private static final URI A = URI.create("http://127.0.0.1:8001");
    private static final URI B = URI.create("http://127.0.0.1:8002/");
    private static final URI C = URI.create("https://chat.example/relay");

    @Test
    void aFailedEndpointHandsTheNextRequestToTheOneAfterIt() {
        Endpoints endpoints = new Endpoints(() -> List.of(A, B, C));
        assertEquals(List.of(A, B, C), endpoints.inTurn());

        endpoints.failed(A);
        assertEquals(B, endpoints.current());
        assertEquals(List.of(B, C, A), endpoints.inTurn());

        endpoints.failed(A); // a late report about one already passed moves nothing
        assertEquals(B, endpoints.current());

        endpoints.failed(B);
        endpoints.failed(C);
        assertEquals(A, endpoints.current(), "round again");

        endpoints.worked(C);
        assertEquals(C, endpoints.current());
    }

    @Test
    void pathsAndTheWebSocketAddressGoAfterTheBase() {
        assertEquals(URI.create("http://127.0.0.1:8002/api/rooms"), Endpoints.resolve(B, "/api/rooms"));
        assertEquals(URI.create("ws://127.0.0.1:8001/api/ws?token=t"), Endpoints.webSocket(A, "/api/ws?token=t"));
        assertEquals(URI.create("wss://chat.example/relay/api/ws"), Endpoints.webSocket(C, "/api/ws"));
    }
}
