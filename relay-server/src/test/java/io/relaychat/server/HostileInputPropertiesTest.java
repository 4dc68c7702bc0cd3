package io.relaychat.server;

import io.relaychat.server.leaks.NettyLeakCheck;
import io.relaychat.testkit.Await;
import io.relaychat.testkit.HostileJson;
import io.relaychat.testkit.RawFrame;
import io.relaychat.testkit.IntegrationTest;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.relaychat.testkit.HostileJson.quoted;
import static io.relaychat.testkit.HostileJson.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile requests against the real server on a socket, for every REST route and the WebSocket: each is answered
 * below 500 (or, on the WebSocket, with error frames that carry a code, or a close with a status and a reason);
 * the connection then still serves a valid request or has been closed by the server, never left hanging; and once
 * a property's clients are gone the node holds no connection and no body bytes, logged no warning or error, and
 * leaked no buffer.
 */
@IntegrationTest
@Tag(IntegrationTest.TAG)
class HostileInputPropertiesTest {
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    private static ErrorLog log;
    private static RunningServer server;
    private static String token;
    private static String roomId;
    private int logMark;

    @BeforeContainer
    static void start() throws IOException {
        log = ErrorLog.capture();
        server = RunningServer.start();
        // Through sockets closed after each answer, so that the node starts the properties with no connection open.
        token = Api.JSON.readTree(exchange(RawHttp.postJson("/api/auth/register",
                "{\"email\":\"ann@example.com\",\"username\":\"ann\",\"password\":\"password-of-ann\"}")).body())
                .path("access_token").asText();
        exchange(RawHttp.postJson("/api/auth/register",
                "{\"email\":\"bob@example.com\",\"username\":\"bob\",\"password\":\"password-of-bob\"}"));
        roomId = Api.JSON.readTree(exchange(authorized(RawHttp.postJson("/api/rooms", "{\"name\":\"general\"}"))).body())
                .path("id").asText();
        assertFalse(roomId.isEmpty());
    }

    @AfterContainer
    static void stop() {
        if (server != null) {
            server.close();
        }
        log.close();
    }

    /** Each property starts with a clean log. */
    @BeforeProperty
    void markTheLog() {
        logMark = log.mark();
    }

    @AfterProperty
    void theNodeIsBackWhereItStarted() {
        RelayServer node = server.server;
        Await.until("every connection closed and every body given back", Duration.ofSeconds(30),
                () -> node.openConnections() == 0 && node.bodyBytesHeld() == 0);
        assertEquals(List.of(), log.since(logMark), "warnings and errors the server logged");
        NettyLeakCheck.assertNoLeaks(getClass().getSimpleName());
    }

    // ------------------------------------------------------------------------------------------------ REST

    /** One request as bytes, and whether it tells the truth about its length (else the client stops sending). */
    record Request(String what, byte[] bytes, boolean honest) {
        @Override
        public String toString() {
            String text = new String(bytes, 0, Math.min(bytes.length, 1500), StandardCharsets.UTF_8);
            return what + (honest ? "" : " (lying about its length)") + ":\n" + text + (bytes.length > 1500 ? "…" : "");
        }
    }

    @Property(tries = 250, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void everyRestRequestIsAnsweredBelow500AndTheConnectionGoesOnOrIsClosed(@ForAll("requests") Request request)
            throws IOException {
        int mark = log.mark();
        try (RawHttp http = new RawHttp(server.port)) {
            try {
                http.socket.getOutputStream().write(request.bytes());
                http.socket.getOutputStream().flush();
            } catch (SocketException closedWhileSending) {
                // A head past the decoder's bounds is refused and the connection closed as soon as that much has
                // arrived; a client still sending then sees its socket reset. Nothing smaller may be cut off.
                assertTrue(request.bytes().length > HEAD_BOUND_BYTES, "a request of " + request.bytes().length
                        + " bytes cut off while being sent: " + closedWhileSending);
                Statistics.label("answer").collect("closed while sent");
                assertEquals(List.of(), log.since(mark), "warnings and errors the server logged");
                return;
            }
            if (!request.honest()) {
                http.socket.shutdownOutput(); // it sends no more than it sent
            }
            List<Integer> statuses = new ArrayList<>();
            boolean closed = false;
            boolean keptAlive = false;
            while (!closed) {
                RawHttp.Answer answer = readOrNull(http);
                if (answer == null) {
                    closed = true;
                } else {
                    assertTrue(answer.status() < 500, "answered " + answer.status() + " " + answer.body());
                    statuses.add(answer.status());
                    keptAlive = !"close".equalsIgnoreCase(answer.header("connection"));
                    if (request.honest()) {
                        break;
                    }
                }
            }
            Statistics.label("answer").collect(statuses.isEmpty() ? "closed unanswered" : String.valueOf(statuses.get(0)));
            if (request.honest()) {
                assertFalse(statuses.isEmpty(), "a whole request was never answered");
                if (keptAlive) {
                    http.send(RawHttp.get("/api/health"));
                    RawHttp.Answer next = readOrNull(http);
                    assertTrue(next != null && next.status() == 200, "kept alive, the connection no longer serves: " + next);
                } else {
                    assertTrue(closedWithin(http), "answered Connection: close, and not closed");
                }
            }
        }
        assertEquals(List.of(), log.since(mark), "warnings and errors the server logged");
    }

    /** The most of a request's head the server reads (Netty's request line and header bounds, 4 KiB and 8 KiB). */
    private static final int HEAD_BOUND_BYTES = 4096 + 8192;

    /** The next answer, or null when the server closed the connection first; fails when neither comes in time. */
    private static RawHttp.Answer readOrNull(RawHttp http) throws IOException {
        try {
            return http.read(ANSWER_WITHIN);
        } catch (EOFException | SocketException closed) {
            return null;
        } catch (SocketTimeoutException hanging) {
            return fail("neither answered nor closed within " + ANSWER_WITHIN.toSeconds() + " s");
        }
    }

    /** The status of the close frame among the frames still to be read; -1 when the socket ends without one. */
    private static int closeStatusFollowing(DataInputStream in) throws IOException {
        try {
            while (true) {
                int first = in.readUnsignedByte();
                int length = in.readUnsignedByte() & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = (int) in.readLong();
                }
                byte[] payload = in.readNBytes(length);
                if ((first & 0x0F) == 0x8) {
                    assertTrue(payload.length > 2, "a close without a status and a reason");
                    return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                }
            }
        } catch (EOFException | SocketException cut) {
            return -1;
        }
    }

    private static boolean closedWithin(RawHttp http) throws IOException {
        return http.timeToClose(System.nanoTime(), ANSWER_WITHIN) != null;
    }

    /** Every route of RestApi, with honest path parameters, queries and body fields to mutate. */
    private record Route(String method, String path, Map<String, Arbitrary<String>> query, Map<String, Arbitrary<String>> body) {
    }

    private static List<Route> routes() {
        Map<String, Arbitrary<String>> none = Map.of();
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("GET", "/api/", none, none));
        routes.add(new Route("GET", "/api/health", none, none));
        routes.add(new Route("GET", "/api/live", none, none));
        routes.add(new Route("GET", "/api/ready", none, none));
        routes.add(new Route("POST", "/api/auth/register", none, Map.of("email", text("new@example.com", "ann@example.com"),
                "username", text("newbie", "ann"), "password", text("password-of-new", "short"))));
        routes.add(new Route("POST", "/api/auth/login", none, Map.of("email", text("ann@example.com", "nobody@example.com"),
                "password", text("password-of-ann", "wrong-password"))));
        routes.add(new Route("GET", "/api/auth/me", none, none));
        routes.add(new Route("POST", "/api/rooms", none, Map.of("name", text("room", "general"),
                "type", text("group", "private"), "members", Arbitraries.of("[]", "[\"nobody\"]"))));
        routes.add(new Route("GET", "/api/rooms", none, none));
        routes.add(new Route("GET", "/api/rooms/discover/all", none, none));
        routes.add(new Route("POST", "/api/rooms/direct", Map.of("identifier", Arbitraries.of("bob", "bob@example.com", "ann", "x")), none));
        for (String path : List.of("/messages", "/join", "/members/add")) {
            Map<String, Arbitrary<String>> query = switch (path) {
                case "/messages" -> Map.of("limit", Arbitraries.of("1", "50", "100", "0", "101", "-1", "2147483648", "1e3", " 5 "),
                        "before_seq", Arbitraries.of("1", "9007199254740992", "9007199254740993", "9223372036854775807",
                                "9223372036854775808", "0", "-1", "abc"),
                        "before", Arbitraries.of("2026-01-01T00:00:00Z", "2026-01-01T00:00:00", "2026-01-01T00:00:00+05:00",
                                "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "2026-13-45T99:99:99Z", "now", ""));
                case "/members/add" -> Map.of("user_email", Arbitraries.of("bob@example.com", "nobody@example.com", "", "%"));
                default -> none;
            };
            String method = path.equals("/messages") ? "GET" : "POST";
            routes.add(new Route(method, "/api/rooms/{room}" + path, query, none));
        }
        routes.add(new Route("GET", "/api/users/search", Map.of("q", Arbitraries.of("an", "a", "", "%", ".*", "\\", "x".repeat(2000))), none));
        routes.add(new Route("POST", "/api/upload", none, none));
        routes.add(new Route("GET", "/static/uploads/{name}", none, none));
        routes.add(new Route("GET", "/api/nothing-here", none, none));
        return routes;
    }

    private static Arbitrary<String> text(String... honest) {
        return Arbitraries.of(honest).map(HostileJson::escaped).map(HostileJson::quoted);
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<String> room = Arbitraries.of(roomId, "no-such-room", "%zz", "..", "%2e%2e", "a%00b", "x".repeat(3000),
                "%E2%80%AE", "r%2Fx");
        Arbitrary<String> upload = Arbitraries.of("abc.png", "..%2F..%2Fetc%2Fpasswd", "x", "%00", "a.html");
        return Arbitraries.of(routes()).flatMap(route -> {
            Arbitrary<String> method = Arbitraries.frequencyOf(weighted(6, Arbitraries.just(route.method())),
                    weighted(1, Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW", "G\u00c9T")));
            Arbitrary<String> path = Combinators.combine(room, upload).as((r, u) ->
                    route.path().replace("{room}", r).replace("{name}", u));
            Arbitrary<String> query = query(route.query());
            Arbitrary<String> authorization = Arbitraries.frequencyOf(
                    weighted(6, Arbitraries.just("Authorization: Bearer " + token + "\r\n")),
                    weighted(1, Arbitraries.of("", "Authorization: Bearer\r\n", "Authorization: Bearer x.y.z\r\n",
                            "Authorization: Basic YTpi\r\n", "Authorization: Bearer " + token + "x\r\n")));
            Arbitrary<Body> body = route.path().equals("/api/upload") ? multipartBodies()
                    : route.method().equals("POST") && !route.body().isEmpty() ? jsonBodies(route.body()) : otherBodies();
            return Combinators.combine(method, path, query, authorization, body, lengths())
                    .as((m, p, q, auth, b, length) -> request(route, m, p + q, auth, b, length));
        });
    }

    /** A query of the route's parameters, each honest, hostile, doubled or left out, encoded or not. */
    private static Arbitrary<String> query(Map<String, Arbitrary<String>> honest) {
        if (honest.isEmpty()) {
            return Arbitraries.of("", "", "", "?", "?x=1", "?&&", "?%", "?a=%zz", "?token=" + "t".repeat(5000));
        }
        List<Arbitrary<String>> parameters = honest.entrySet().stream().map(parameter -> Arbitraries.frequencyOf(
                weighted(4, parameter.getValue().map(value -> parameter.getKey() + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8))),
                weighted(2, HostileJson.strings().map(value -> parameter.getKey() + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8))),
                weighted(1, HostileJson.numbers().map(value -> parameter.getKey() + "=" + value)),
                weighted(1, Arbitraries.just("")),
                weighted(1, Arbitraries.of(parameter.getKey(), parameter.getKey() + "=", parameter.getKey() + "=%",
                        parameter.getKey() + "=1&" + parameter.getKey() + "=2")))).toList();
        return Combinators.combine(parameters).as(values -> values.stream().filter(value -> !value.isEmpty())
                .collect(Collectors.joining("&", "?", "")));
    }

    /** A body and the headers that describe it (a type, maybe a charset), before its length is stated or lied about. */
    private record Body(String what, String headers, byte[] bytes) {
    }

    private static final Arbitrary<String> JSON_TYPES = Arbitraries.frequencyOf(
            weighted(6, Arbitraries.just("Content-Type: application/json\r\n")),
            weighted(1, Arbitraries.of("", "Content-Type: text/plain\r\n", "Content-Type: application/json; charset=utf-16\r\n",
                    "Content-Type: application/json; charset=foo-unknown\r\n", "Content-Type: application/json; charset=@@@\r\n",
                    "Content-Type: multipart/form-data; boundary=b\r\n", "Content-Type: \r\n", "Content-Type: ;;;\r\n")));

    private static Arbitrary<Body> jsonBodies(Map<String, Arbitrary<String>> fields) {
        return Combinators.combine(JSON_TYPES, HostileJson.objects(fields))
                .as((type, json) -> new Body("json", type, json.getBytes(StandardCharsets.UTF_8)));
    }

    private static Arbitrary<Body> otherBodies() {
        return Arbitraries.frequencyOf(
                weighted(4, Arbitraries.just(new Body("none", "", new byte[0]))),
                weighted(1, Combinators.combine(JSON_TYPES, HostileJson.objects(Map.of()))
                        .as((type, json) -> new Body("json", type, json.getBytes(StandardCharsets.UTF_8)))),
                weighted(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(bytes -> new Body("bytes", "", bytes))));
    }

    /** Uploads: a good one, and every way the multipart envelope can be wrong. */
    private static Arbitrary<Body> multipartBodies() {
        Arbitrary<String> boundary = Arbitraries.of("b", "----relay", "\"quoted\"", "", "x".repeat(200), "a;b");
        Arbitrary<String> requestType = Combinators.combine(boundary, Arbitraries.of("", "; charset=utf-8",
                "; charset=foo-unknown", "; charset=@@@")).as((b, charset) -> "multipart/form-data; boundary=" + b + charset);
        Arbitrary<String> type = Arbitraries.frequencyOf(weighted(6, requestType), weighted(1, Arbitraries.of(
                "multipart/form-data", "multipart/mixed; boundary=b", "application/json", "text/plain; boundary=b")));
        Arbitrary<String> disposition = Arbitraries.of("form-data; name=\"file\"; filename=\"a.txt\"",
                "form-data; name=\"file\"; filename=\"../../a.html\"", "form-data; name=\"file\"",
                "form-data; name=\"other\"; filename=\"a.txt\"", "form-data; name=\"file\"; filename=\"\"",
                "form-data; name=\"file\"; filename*=UTF-8''%E2%80%AE.txt", "form-data", "", "attachment; filename=\"a\"");
        Arbitrary<String> partType = Arbitraries.of("", "Content-Type: text/plain\r\n", "Content-Type: text/plain; charset=@@@\r\n",
                "Content-Type: image/svg+xml\r\n", "Content-Transfer-Encoding: base64\r\n", "Content-Type: \r\n");
        Arbitrary<byte[]> content = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
        Arbitrary<String> ending = Arbitraries.of("\r\n--%s--\r\n", "\r\n--%s--", "\r\n--%s", "", "\r\n--other--\r\n", "--%s--");
        Arbitrary<Body> envelope = Combinators.combine(type, disposition, partType, content, ending).as((t, d, pt, c, end) -> {
            String b = t.contains("boundary=") ? t.replaceAll(".*boundary=\"?([^\";]*)\"?.*", "$1") : "b";
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(("--" + b + "\r\nContent-Disposition: " + d + "\r\n" + pt + "\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(c);
            body.writeBytes(String.format(end, b, b).getBytes(StandardCharsets.UTF_8));
            return new Body("multipart", "Content-Type: " + t + "\r\n", body.toByteArray());
        });
        return Arbitraries.frequencyOf(weighted(8, envelope),
                weighted(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(500)
                        .map(bytes -> new Body("multipart garbage", "Content-Type: multipart/form-data; boundary=b\r\n", bytes))),
                weighted(1, Arbitraries.just(new Body("empty upload", "Content-Type: multipart/form-data; boundary=b\r\n", new byte[0]))));
    }

    /** How the length is told: truly, less or more than is sent, not at all, chunked, or in a form no server reads. */
    private record Length(String how, int delta) {
    }

    private static Arbitrary<Length> lengths() {
        return Arbitraries.frequencyOf(
                weighted(12, Arbitraries.just(new Length("true", 0))),
                weighted(1, Arbitraries.integers().between(1, 50).map(less -> new Length("less", -less))),
                weighted(1, Arbitraries.integers().between(1, 5000).map(more -> new Length("more", more))),
                weighted(1, Arbitraries.of(new Length("absent", 0), new Length("chunked", 0), new Length("broken chunks", 0),
                        new Length("not a number", 0), new Length("negative", 0), new Length("twice", 0),
                        new Length("huge", 0))));
    }

    private static Request request(Route route, String method, String target, String authorization, Body body, Length length) {
        byte[] content = body.bytes();
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authorization + body.headers());
        boolean honest = true;
        byte[] sent = content;
        switch (length.how()) {
            case "true" -> head.append("Content-Length: ").append(content.length).append("\r\n");
            case "less" -> {
                // The bytes past the stated length are the next "request"; the client then stops sending.
                head.append("Content-Length: ").append(Math.max(0, content.length + length.delta())).append("\r\n");
                honest = content.length == 0;
            }
            case "more" -> {
                head.append("Content-Length: ").append(content.length + length.delta()).append("\r\n");
                honest = false;
            }
            case "absent" -> sent = new byte[0];
            case "chunked" -> {
                head.append("Transfer-Encoding: chunked\r\n");
                sent = chunked(content, true);
            }
            case "broken chunks" -> {
                head.append("Transfer-Encoding: chunked\r\n");
                sent = chunked(content, false);
                honest = false;
            }
            case "not a number" -> head.append("Content-Length: abc\r\n");
            case "negative" -> head.append("Content-Length: -1\r\n");
            case "twice" -> head.append("Content-Length: ").append(content.length).append("\r\nContent-Length: ")
                    .append(content.length + 1).append("\r\n");
            case "huge" -> {
                head.append("Content-Length: 99999999999999999999\r\n");
                honest = false;
            }
            default -> throw new IllegalArgumentException(length.how());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(sent);
        return new Request(route.method() + " " + route.path() + ", " + body.what() + " body, length " + length.how(),
                bytes.toByteArray(), honest);
    }

    private static byte[] chunked(byte[] content, boolean wellFormed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (wellFormed) {
            if (content.length > 0) {
                out.writeBytes((Integer.toHexString(content.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(content);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            out.writeBytes("zz\r\n".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(content);
        }
        return out.toByteArray();
    }

    private static RawHttp.Answer exchange(String request) throws IOException {
        try (RawHttp http = new RawHttp(server.port)) {
            RawHttp.Answer answer = http.send(request.replaceFirst("\r\n", "\r\nConnection: close\r\n")).read(ANSWER_WITHIN);
            assertEquals(200, answer.status(), answer.body());
            return answer;
        }
    }

    private static String authorized(String request) {
        return request.replaceFirst("\r\n", "\r\nAuthorization: Bearer " + token + "\r\n");
    }

    // ------------------------------------------------------------------------------------------------ WebSocket

    @Provide
    Arbitrary<RawFrame> frames() {
        Arbitrary<String> room = Arbitraries.of(roomId, "no-such-room").map(HostileJson::quoted);
        Arbitrary<String> seq = Arbitraries.of("0", "7", "9007199254740992", "9007199254740993", "9223372036854775807");
        Map<String, Map<String, Arbitrary<String>>> commands = new LinkedHashMap<>();
        commands.put("join_room", Map.of("room_id", room, "since_seq", seq));
        commands.put("leave_room", Map.of("room_id", room));
        commands.put("send_message", Map.of("room_id", room, "content", HostileJson.strings().map(HostileJson::quoted),
                "client_id", Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map(HostileJson::quoted),
                "attachments", Arbitraries.of("[]", "[\"/static/uploads/abc.png\"]", "[\"javascript:alert(1)\"]")));
        commands.put("typing", Map.of("room_id", room));
        commands.put("ping", Map.of());
        Arbitrary<byte[]> text = Arbitraries.of(commands.keySet()).flatMap(action -> {
            Map<String, Arbitrary<String>> fields = new LinkedHashMap<>(commands.get(action));
            fields.put("action", Arbitraries.just(quoted(action)));
            return HostileJson.objects(fields);
        }).map(json -> json.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> anyBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        return Arbitraries.frequencyOf(
                weighted(10, text.map(bytes -> new RawFrame("text", 0x81, true, bytes))),
                weighted(1, anyBytes.map(bytes -> new RawFrame("text of any bytes", 0x81, true, bytes))),
                weighted(1, anyBytes.map(bytes -> new RawFrame("binary", 0x82, true, bytes))),
                weighted(1, text.map(bytes -> new RawFrame("first fragment", 0x01, true, bytes))),
                weighted(1, text.map(bytes -> new RawFrame("last fragment", 0x80, true, bytes))),
                weighted(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(125).map(bytes -> new RawFrame("ping", 0x89, true, bytes))),
                weighted(1, Arbitraries.of(0x83, 0x8B, 0x09, 0xC1).map(first -> new RawFrame("reserved", first, true, new byte[] {'{', '}'}))),
                weighted(1, text.map(bytes -> new RawFrame("unmasked text", 0x81, false, bytes))),
                weighted(1, Arbitraries.integers().between(65_537, 70_000)
                        .map(size -> new RawFrame("oversized text", 0x81, true, new byte[size]))));
    }

    @Property(tries = 120, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void everyWebSocketAnswersWithCodedErrorsThenAPongOrClosesWithAReason(
            @ForAll @Size(min = 1, max = 4) List<@From("frames") RawFrame> frames) throws IOException {
        int mark = log.mark();
        try (RawHttp socket = new RawHttp(server.port)) {
            assertEquals(101, socket.upgrade(token).status());
            DataInputStream in = new DataInputStream(socket.socket.getInputStream());
            boolean fragmentOpen = false;
            for (RawFrame frame : frames) {
                try {
                    socket.socket.getOutputStream().write(frame.wire());
                } catch (SocketException closedMeanwhile) {
                    break;
                }
                int opcode = frame.firstByte() & 0x0F;
                if (opcode <= 2) {
                    fragmentOpen = (frame.firstByte() & 0x80) == 0;
                }
            }
            try {
                if (fragmentOpen) {
                    socket.socket.getOutputStream().write(new RawFrame("last fragment", 0x80, true, new byte[0]).wire());
                }
                socket.socket.getOutputStream().write(new RawFrame("text", 0x81, true,
                        "{\"action\":\"ping\"}".getBytes(StandardCharsets.UTF_8)).wire());
            } catch (SocketException closedMeanwhile) {
                // the server closed it already: its close frame is what is read below
            }
            socket.socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            String outcome = null;
            while (outcome == null) {
                int first;
                int length;
                byte[] payload;
                try {
                    first = in.readUnsignedByte();
                    length = in.readUnsignedByte() & 0x7F;
                    if (length == 126) {
                        length = in.readUnsignedShort();
                    } else if (length == 127) {
                        length = (int) in.readLong();
                    }
                    payload = in.readNBytes(length);
                } catch (SocketTimeoutException hanging) {
                    throw new AssertionError("neither a pong nor a close within " + ANSWER_WITHIN.toSeconds() + " s");
                } catch (EOFException | SocketException cut) {
                    throw new AssertionError("the server cut the connection without a close frame");
                }
                int opcode = first & 0x0F;
                if (opcode == 0x8) {
                    assertTrue(payload.length > 2, "a close without a status and a reason");
                    int status = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                    outcome = "close " + status;
                } else if (opcode == 0x1) {
                    var json = Api.JSON.readTree(payload);
                    String type = json.path("type").asText();
                    if (type.equals("pong")) {
                        outcome = "pong";
                    } else if (type.equals("error")) {
                        assertFalse(json.path("code").asText().isEmpty(), "an error frame without a code: " + json);
                    }
                }
            }
            Statistics.label("outcome").collect(outcome);
            if (outcome.startsWith("close")) {
                assertTrue(closedWithin(socket), "closed, and the socket not let go");
            } else {
                try {
                    socket.socket.getOutputStream().write(new RawFrame("close", 0x88, true, new byte[] {0x03, (byte) 0xE8}).wire());
                } catch (SocketException closedMeanwhile) {
                    // The pong answered a ping action among the frames, and a frame after it was refused: the
                    // server's close, with its status and reason, is then what follows the pong.
                    assertTrue(closeStatusFollowing(in) >= 1000, "closed after the pong without a status");
                }
            }
        }
        assertEquals(List.of(), log.since(mark), "warnings and errors the server logged");
    }
}
