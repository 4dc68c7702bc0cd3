package io.relaychat.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The Java example of docs/integration.md, "A backend publishing into a room", as a program: the lines between the
 * two markers are the document's, character for character once their indentation is taken off
 * (IntegrationDocTest holds the two together and runs this against a real server).
 */
final class BackendPublishExample {
    private BackendPublishExample() {
    }

    /** The stored message's JSON, as the server answered it. */
    static String publish(String relayUrl, String apiKey, String roomId) throws IOException, InterruptedException {
        // docs:begin
        HttpClient http = HttpClient.newHttpClient();
        String body = """
                {"room_id": "%s",
                 "content": "Order #1042 shipped",
                 "sender": {"id": "orders", "username": "Order bot"},
                 "client_id": "order-1042-shipped"}
                """.formatted(roomId);
        HttpRequest request = HttpRequest.newBuilder(URI.create(relayUrl + "/api/server/publish"))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("not published: " + response.statusCode() + " " + response.body());
        }
        String stored = response.body(); // the message: its "id", "seq" and "timestamp"
        // docs:end
        return stored;
    }
}
