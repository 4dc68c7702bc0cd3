package io.relaychat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Users and rooms for a run, over the real REST API with bounded concurrency. Users (and their tokens)
 * can be kept in a file and reused by later runs against the same server, so that bcrypt, which is
 * deliberately slow, does not dominate setup. Rooms are made anew for every run. With several nodes the
 * requests take turns over them, as behind a load balancer.
 */
final class Setup {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A user as the generator knows it. */
    record Account(String id, String token) {
    }

    /** What a run connects: one account per connection, and the room of each connection. */
    record Plan(List<Account> accounts, List<String> roomIds) {
    }

    /** Connections per room among the background clients of a soak (churn and abusers). */
    static final int BACKGROUND_ROOM_SIZE = 10;

    private final Options options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Semaphore inFlight;
    private final List<URI> nodes;
    private final AtomicInteger requests = new AtomicInteger();

    Setup(Options options) {
        this.options = options;
        this.inFlight = new Semaphore(options.setupConcurrency());
        this.nodes = options.nodes();
    }

    Plan prepare() throws IOException, InterruptedException {
        if (options.target().equals("ceiling")) {
            List<Account> accounts = new ArrayList<>();
            for (int i = 0; i < options.connections(); i++) {
                accounts.add(new Account("user-" + i, "any"));
            }
            List<String> rooms = new ArrayList<>();
            String run = UUID.randomUUID().toString().substring(0, 8);
            for (int r = 0; r < options.rooms(); r++) {
                rooms.add("room-" + run + "-" + r);
            }
            return new Plan(accounts, rooms);
        }
        List<Account> accounts = accounts();
        List<CompletableFuture<String>> rooms = new ArrayList<>();
        for (int r = 0; r < options.rooms(); r++) {
            List<Account> members = accounts.subList(r * options.roomSize(), (r + 1) * options.roomSize());
            rooms.add(createRoom(members, "load-" + r));
        }
        List<String> roomIds = new ArrayList<>();
        for (CompletableFuture<String> room : rooms) {
            roomIds.add(room.join());
        }
        return new Plan(accounts, roomIds);
    }

    /**
     * Fresh users for the background clients of a soak, in rooms of {@link #BACKGROUND_ROOM_SIZE} of their own
     * (the last one may be smaller), so that their traffic never enters what the fleet counts.
     */
    Plan background(int count) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<CompletableFuture<Account>> registrations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            registrations.add(register("bg-" + run + "-" + i));
        }
        List<Account> accounts = registrations.stream().map(CompletableFuture::join).toList();
        List<CompletableFuture<String>> rooms = new ArrayList<>();
        for (int from = 0; from < count; from += BACKGROUND_ROOM_SIZE) {
            rooms.add(createRoom(accounts.subList(from, Math.min(count, from + BACKGROUND_ROOM_SIZE)), "background-" + from));
        }
        return new Plan(accounts, rooms.stream().map(CompletableFuture::join).toList());
    }

    private List<Account> accounts() throws IOException, InterruptedException {
        List<Account> known = new ArrayList<>();
        Path file = options.tokensFile();
        if (file != null && Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.split("\t");
                if (parts.length == 2) {
                    known.add(new Account(parts[0], parts[1]));
                }
            }
            if (!known.isEmpty() && !valid(known.get(0))) {
                System.out.println("tokens in " + file + " are not valid on this server; registering afresh");
                known.clear();
                Files.delete(file);
            }
        }
        int missing = options.connections() - known.size();
        if (missing > 0) {
            long started = System.nanoTime();
            System.out.printf("registering %d users (%d at a time)...%n", missing, options.setupConcurrency());
            String run = UUID.randomUUID().toString().substring(0, 8);
            List<CompletableFuture<Account>> registrations = new ArrayList<>();
            for (int i = 0; i < missing; i++) {
                registrations.add(register("lt-" + run + "-" + i));
            }
            List<Account> fresh = new ArrayList<>();
            for (CompletableFuture<Account> registration : registrations) {
                fresh.add(registration.join());
            }
            System.out.printf("registered %d users in %.1f s%n", missing, (System.nanoTime() - started) / 1e9);
            known.addAll(fresh);
            if (file != null) {
                List<String> lines = fresh.stream().map(account -> account.id() + "\t" + account.token()).toList();
                Files.write(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
        return known.subList(0, options.connections());
    }

    private boolean valid(Account account) throws IOException, InterruptedException {
        HttpRequest me = HttpRequest.newBuilder(URI.create(options.setupUrl() + "/api/auth/me"))
                .header("Authorization", "Bearer " + account.token()).build();
        return http.send(me, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    private CompletableFuture<Account> register(String name) {
        Map<String, String> body = Map.of("email", name + "@load.test", "username", name, "password", "load-test-password");
        return post("/api/auth/register", body, null).thenApply(json -> new Account(json.path("user").path("id").asText(),
                json.path("access_token").asText()));
    }

    private CompletableFuture<String> createRoom(List<Account> members, String name) {
        Map<String, Object> body = Map.of("name", name, "members", members.stream().skip(1).map(Account::id).toList());
        return post("/api/rooms", body, members.get(0).token()).thenApply(json -> json.path("id").asText());
    }

    /** How often a setup request told 503 (the hashing pool busy) comes back, a second apart, as a client should. */
    private static final int BUSY_RETRIES = 30;

    private CompletableFuture<HttpResponse<String>> send(HttpRequest request, int busyRetriesLeft) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                // A kept-alive connection the server closed just as the request went out: sent once more, on a
                // fresh connection (the server had not read it, so nothing was done twice).
                .exceptionallyCompose(error -> error instanceof IOException || error.getCause() instanceof IOException
                        ? http.sendAsync(request, HttpResponse.BodyHandlers.ofString()) : CompletableFuture.failedFuture(error))
                .thenCompose(response -> response.statusCode() == 503 && busyRetriesLeft > 0
                        ? CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS))
                                .thenCompose(later -> send(request, busyRetriesLeft - 1))
                        : CompletableFuture.completedFuture(response));
    }

    private CompletableFuture<JsonNode> post(String path, Object body, String token) {
        inFlight.acquireUninterruptibly();
        try {
            URI node = nodes.get(Math.floorMod(requests.getAndIncrement(), nodes.size()));
            HttpRequest.Builder request = HttpRequest.newBuilder(node.resolve(path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            return send(request.build(), BUSY_RETRIES)
                    .whenComplete((response, error) -> inFlight.release())
                    .thenApply(response -> {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
                        }
                        try {
                            return JSON.readTree(response.body());
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });
        } catch (IOException e) {
            inFlight.release();
            return CompletableFuture.failedFuture(e);
        }
    }
}
