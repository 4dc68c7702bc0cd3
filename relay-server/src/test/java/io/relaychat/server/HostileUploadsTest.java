package io.relaychat.server;

import io.relaychat.server.leaks.NettyLeakCheck;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Uploads no browser would send, against the real server: refused with a 4xx, and nothing of them kept. */
@IntegrationTest
class HostileUploadsTest {

    /**
     * Found by HostileInputPropertiesTest: the multipart decoder keeps a file part the body ends inside of as its
     * partial data, which destroying the decoder did not release; its buffer leaked with every such upload.
     */
    @Test
    void anUploadWhoseBodyEndsInsideItsFilePartIs422AndLeaksNothing() throws Exception {
        try (RunningServer server = RunningServer.start();
             RawHttp http = new RawHttp(server.port)) {
            String token = new Api(server).register("cutshort").token();
            String boundary = "x".repeat(200);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(new byte[] {(byte) 0xe7, (byte) 0xfd, (byte) 0xda, 'y', (byte) 0xfe, 'w', '*', 'r', (byte) 0xba});

            http.socket.getOutputStream().write(("POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "; charset=utf-8\r\nContent-Length: "
                    + body.size() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            http.socket.getOutputStream().write(body.toByteArray());
            RawHttp.Answer answer = http.read(Duration.ofSeconds(10));

            assertEquals(422, answer.status(), answer.body());
            assertEquals("invalid_field", Api.JSON.readTree(answer.body()).path("code").asText());
        }
        NettyLeakCheck.assertNoLeaks("anUploadWhoseBodyEndsInsideItsFilePartIs422AndLeaksNothing");
    }
}
