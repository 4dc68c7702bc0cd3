package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A REST client for tests: real HTTP through java.net.http, JSON through Jackson. */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient client;

    Api(RunningServer server) {
        this(server.http());
    }

    Api(String base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** {@code client}: one that trusts the server's certificate, for an https:// base. */
    Api(String base, HttpClient client) {
        this.base = base;
        this.client = client;
    }

    record Response(int status, JsonNode body, HttpResponse<byte[]> raw) {
        String detail() {
            return body.path("detail").asText(null);
        }

        /** The stable code of an error body, next to its detail. */
        String code() {
            return body.path("code").asText(null);
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    /** A registered user and their token. */
    record Account(String id, String email, String username, String token) {
    }

    Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    Response post(String path, Object body, String token) {
        return postRaw(path, body == null ? "" : write(body), token);
    }

    Response postRaw(String path, String body, String token) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<byte[]> response = client.send(builder.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            String type = response.headers().firstValue("content-type").orElse("");
            JsonNode body = type.startsWith("application/json") && response.body().length > 0
                    ? JSON.readTree(response.body()) : JSON.nullNode();
            return new Response(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    Response upload(String filename, byte[] content, String token) {
        String boundary = "----relay" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        body.writeBytes(head);
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(request("/api/upload", token).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    Account register(String username) {
        String email = username + "@example.com";
        Response response = post("/api/auth/register",
                Map.of("email", email, "username", username, "password", "password-of-" + username), null);
        if (response.status() != 200) {
            throw new AssertionError("register failed: " + response.status() + " " + response.body());
        }
        return new Account(response.body().path("user").path("id").asText(), email, username,
                response.body().path("access_token").asText());
    }

    /** Creates a group room with the given members; returns its id. */
    String createRoom(Account creator, String name, Account... members) {
        return createRoom(creator, name, "group", members);
    }

    String createRoom(Account creator, String name, String type, Account... members) {
        Response response = post("/api/rooms", Map.of("name", name, "type", type,
                "members", java.util.Arrays.stream(members).map(Account::id).toList()), creator.token());
        if (response.status() != 200) {
            throw new AssertionError("create room failed: " + response.status() + " " + response.body());
        }
        return response.body().path("id").asText();
    }

    /** A room's whole stored history, oldest first, paging back with before_seq. */
    java.util.List<JsonNode> history(String room, String token) {
        java.util.LinkedList<JsonNode> oldestFirst = new java.util.LinkedList<>();
        String cursor = "";
        for (int page = 0; page < 1_000; page++) {
            Response answer = get("/api/rooms/" + room + "/messages?limit=100" + cursor, token);
            if (answer.status() != 200) {
                throw new AssertionError("history failed: " + answer.status() + " " + answer.body());
            }
            if (answer.body().isEmpty()) {
                return oldestFirst;
            }
            for (int i = answer.body().size() - 1; i >= 0; i--) {
                oldestFirst.addFirst(answer.body().get(i));
            }
            cursor = "&before_seq=" + answer.body().get(0).path("seq").asLong();
        }
        throw new AssertionError("more than 1000 pages of history");
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
