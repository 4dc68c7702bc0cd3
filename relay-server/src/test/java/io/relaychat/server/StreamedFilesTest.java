package io.relaychat.server;

import io.relaychat.server.Api.Account;
import io.relaychat.testkit.Await;
import io.netty.util.internal.PlatformDependent;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files go through the node without ever being whole in its memory, over real sockets against the real server:
 * an upload is written to the store as it arrives, at the store's pace; an upload cut off leaves nothing; an
 * uploader past their rate is told so before sending a byte of the body; a download goes out as the client reads
 * it, and one the client never reads costs a chunk or two until the write timeout closes it.
 */
@IntegrationTest
class StreamedFilesTest {
    private static final int LIMIT = 4 * 1024 * 1024;
    private static final String BOUNDARY = "----relay-streamed";
    /** What the node may hold of one upload's body at any time: far under the file, a few chunks of the store's. */
    private static final long HELD_BOUND = 512 * 1024;

    private static String multipartHead(String filename) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    }

    private static final String MULTIPART_TAIL = "\r\n--" + BOUNDARY + "--\r\n";

    private static String uploadHead(long contentLength, String token, String extra) {
        return "POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
                + "\r\nContent-Length: " + contentLength + "\r\nAuthorization: Bearer " + token + "\r\n" + extra + "\r\n";
    }

    /** Before, the node held every byte of the body until the whole upload had arrived: here 4 MiB. */
    @Test
    void anUploadNearTheLimitSentSlowlyInPiecesIsNeverHeldWholeByTheNode() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_MAX_UPLOAD_BYTES", String.valueOf(LIMIT)))) {
            Api api = new Api(server);
            Account ann = api.register("streamed-ann");
            byte[] file = new byte[LIMIT - 1024];
            new Random(3).nextBytes(file);
            String head = multipartHead("big.bin");
            long length = head.length() + file.length + MULTIPART_TAIL.length();
            long mostHeld = 0;

            try (RawHttp upload = new RawHttp(server.port)) {
                OutputStream out = upload.socket.getOutputStream();
                upload.send(uploadHead(length, ann.token(), "") + head);
                int piece = 64 * 1024;
                for (int at = 0; at < file.length; at += piece) {
                    out.write(file, at, Math.min(piece, file.length - at));
                    out.flush();
                    for (int look = 0; look < 5; look++) {
                        Thread.sleep(2);
                        mostHeld = Math.max(mostHeld, server.server.bodyBytesHeld());
                    }
                }
                upload.send(MULTIPART_TAIL);
                RawHttp.Answer answer = upload.read(Duration.ofSeconds(10));

                assertEquals(200, answer.status(), answer.body());
                String url = Api.JSON.readTree(answer.body()).path("url").asText();
                assertArrayEquals(file, api.get(url, null).raw().body(), "stored whole and exactly");
            }
            assertTrue(mostHeld < HELD_BOUND, "the node held at most " + mostHeld + " bytes of a " + file.length
                    + "-byte upload at once");
            assertEquals(0, server.server.bodyBytesHeld(), "all of it given back once answered");
        }
    }

    /** Before, nothing reached the folder until the whole body had: the file sat in memory all along. */
    @Test
    void anUploadCutOffMidBodyIsOnDiskAsItArrivesAndLeavesNothingOnceCut() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_MAX_UPLOAD_BYTES", String.valueOf(LIMIT)))) {
            Account ann = new Api(server).register("cut-ann");
            String head = multipartHead("cut.bin");
            byte[] half = new byte[LIMIT / 2];

            try (RawHttp upload = new RawHttp(server.port)) {
                upload.send(uploadHead(head.length() + LIMIT + MULTIPART_TAIL.length(), ann.token(), "") + head);
                upload.socket.getOutputStream().write(half);
                upload.socket.getOutputStream().flush();

                Await.until("half of the file is on disk, in a temporary file", Duration.ofSeconds(10),
                        () -> bytesIn(server.uploads) >= half.length - 256 * 1024);
            }

            Await.until("nothing is left of the upload cut off", Duration.ofSeconds(10),
                    () -> filesIn(server.uploads).isEmpty());
            Await.until("and what it held is given back", Duration.ofSeconds(5), () -> server.server.bodyBytesHeld() == 0);
        }
    }

    /** Before, the rate was spent only once the whole body had been read: the client was told to go on and send it. */
    @Test
    void anUploaderPastTheirRateIsRefused429BeforeSendingTheBody() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_UPLOADS_PER_MINUTE", "1"))) {
            Api api = new Api(server);
            Account ann = api.register("rate-ann");
            assertEquals(200, api.upload("first.txt", "first".getBytes(StandardCharsets.UTF_8), ann.token()).status());

            try (RawHttp second = new RawHttp(server.port)) {
                RawHttp.Answer answer = second.send(uploadHead(5 * 1024 * 1024, ann.token(), "Expect: 100-continue\r\n"))
                        .read(Duration.ofSeconds(5));

                assertEquals(429, answer.status(), "no 100 Continue: " + answer.body());
                assertTrue(answer.body().contains("\"code\":\"rate_limited\""), answer.body());
                assertNotNull(answer.header("retry-after"));
                assertNotNull(second.timeToClose(System.nanoTime(), Duration.ofSeconds(5)),
                        "closed: the client sends no body");
            }
            assertEquals(2, filesIn(server.uploads).size(), "the first upload and its content type, nothing else: "
                    + filesIn(server.uploads));
        }
    }

    /**
     * Before, each download was read whole into memory and held there until the client had read all of it: here
     * 8 × 10 MiB for clients that never read, until the write timeout.
     */
    @Test
    void downloadsTheClientsNeverReadAreBoundedInMemoryAndClosedByTheWriteTimeout() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_HTTP_WRITE_TIMEOUT_SECONDS", "3"))) {
            Api api = new Api(server);
            Account ann = api.register("unread-ann");
            byte[] file = new byte[10 * 1024 * 1024];
            Api.Response uploaded = api.upload("big.bin", file, ann.token());
            assertEquals(200, uploaded.status(), String.valueOf(uploaded.body()));
            String url = uploaded.body().path("url").asText();
            long before = memoryUsedAfterGc();
            int openBefore = server.server.openConnections(); // the API client's, kept alive

            List<RawHttp> readers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    RawHttp reader = new RawHttp(server.port, 16 * 1024);
                    readers.add(reader);
                    reader.send(RawHttp.get(url));
                }
                Thread.sleep(1000); // the node writes what the sockets take, then waits for readers that never read
                long grown = memoryUsedAfterGc() - before;

                assertTrue(grown < 32L * 1024 * 1024, "the node's memory grew by " + grown / 1024
                        + " KiB for eight unread downloads of 10 MiB");
                Await.until("the write timeout closes every unread download", Duration.ofSeconds(15),
                        () -> server.server.openConnections() == openBefore);
            } finally {
                for (RawHttp reader : readers) {
                    reader.close();
                }
            }
        }
    }

    /**
     * The heap and direct memory in use, at the least of a few looks after a collection: Netty copies what it
     * writes to a socket into direct memory, so a file held for an unread download is there, not on the heap.
     */
    private static long memoryUsedAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + direct
                    + Math.max(0, PlatformDependent.usedDirectMemory()));
        }
        return least;
    }

    private static List<String> filesIn(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(path -> path.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long bytesIn(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.mapToLong(path -> {
                try {
                    return Files.size(path);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
