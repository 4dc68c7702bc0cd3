package io.relaychat.domain;

import io.relaychat.ports.in.UploadsUseCase.IncomingFile;
import io.relaychat.ports.in.UploadsUseCase.StoredUpload;
import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.RelayMetrics;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UploadRulesTest {
    private final TestDoubles.MemoryBlobs blobs = new TestDoubles.MemoryBlobs();
    private final TestClock clock = new TestClock();
    private final UploadService uploads = new UploadService(blobs, () -> "generated-id", 1024,
            Rate.of(3, Duration.ofMinutes(1)), clock, RelayMetrics.NONE);
    private final UserId ann = new UserId("ann");

    @Test
    void aKnownExtensionIsKeptAndServedWithItsType() {
        StoredUpload stored = result(uploads.upload(ann, "Holiday Photo.JPG", new byte[] {1, 2, 3})).value();

        assertEquals("generated-id.jpg", stored.storedName());
        assertEquals("Holiday Photo.JPG", stored.originalName());
        Blob blob = result(uploads.download("generated-id.jpg")).orElseThrow();
        assertEquals("image/jpeg", blob.contentType());
        assertArrayEquals(new byte[] {1, 2, 3}, blob.content());
    }

    @Test
    void anExtensionABrowserWouldRunIsDroppedAndServedAsBytes() {
        StoredUpload stored = result(uploads.upload(ann, "page.html", "<script>".getBytes())).value();

        assertEquals("generated-id", stored.storedName());
        assertEquals("application/octet-stream", blobs.stored.get("generated-id").contentType());
    }

    @Test
    void theOriginalNameNeverBecomesAPath() {
        StoredUpload stored = result(uploads.upload(ann, "../../etc/passwd.txt", new byte[1])).value();

        assertEquals("generated-id.txt", stored.storedName());
    }

    @Test
    void aFileOverTheLimitIsRefused() {
        assertEquals(Outcome.rejected(new Refusal(Reason.PAYLOAD_TOO_LARGE, "File too large: the limit is 1024 bytes")),
                result(uploads.upload(ann, "big.bin", new byte[1025])));
        assertTrue(blobs.stored.isEmpty());
        assertEquals(1024, uploads.maxBytes(), "the limit a transport bounds upload bodies by");
    }

    @Test
    void onlyGeneratedNamesAreLookedUp() {
        for (String name : new String[] {"../secret", "a/b.png", ".hidden", "x.png.content-type", "", "a..png"}) {
            assertTrue(result(uploads.download(name)).isEmpty(), name);
        }
    }

    @Test
    void uploadsOverTheUsersRateAreRefusedSayingWhenToTryAgainAndStoreNothing() {
        java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
        UploadService limited = new UploadService(blobs, () -> "id-" + ids.incrementAndGet(), 1024,
                Rate.of(3, Duration.ofMinutes(1)), clock, RelayMetrics.NONE);
        for (int i = 0; i < 3; i++) {
            result(limited.upload(ann, "f.txt", new byte[1])).value();
        }

        Outcome<StoredUpload> fourth = result(limited.upload(ann, "f.txt", new byte[1]));
        int storedWhenRefused = blobs.stored.size();
        Outcome<StoredUpload> someoneElse = result(limited.upload(new UserId("bob"), "f.txt", new byte[1]));
        clock.advance(Duration.ofSeconds(20));
        Outcome<StoredUpload> later = result(limited.upload(ann, "f.txt", new byte[1]));

        assertEquals(Outcome.rejected(Refusal.rateLimited(Duration.ofSeconds(20))), fourth);
        assertEquals(3, storedWhenRefused, "the refused upload stored nothing");
        assertTrue(someoneElse instanceof Outcome.Accepted<StoredUpload>, "limits are per user: " + someoneElse);
        assertTrue(later instanceof Outcome.Accepted<StoredUpload>, "a token came back after 20 s: " + later);
    }

    @Test
    void anUploadIsAdmittedForItsRateBeforeAnyOfItIsReadAndEveryAdmissionCounts() {
        UploadService limited = new UploadService(blobs, () -> "id", 1024, Rate.of(2, Duration.ofMinutes(1)), clock, RelayMetrics.NONE);

        assertTrue(limited.beginUpload(ann) instanceof Outcome.Accepted<IncomingFile>);
        assertTrue(limited.beginUpload(ann) instanceof Outcome.Accepted<IncomingFile>, "never finished, still counted");
        Outcome<IncomingFile> third = limited.beginUpload(ann);

        assertEquals(Reason.RATE_LIMITED, ((Outcome.Rejected<IncomingFile>) third).reason());
        assertTrue(blobs.stored.isEmpty());
    }

    @Test
    void aStreamedFileIsStoredOnceFinishedAndOnePastTheLimitIsDroppedAsItPassesIt() {
        IncomingFile small = ((Outcome.Accepted<IncomingFile>) uploads.beginUpload(ann)).value();
        result(small.open("notes.txt"));
        result(small.write(ByteBuffer.wrap(new byte[600])));
        result(small.write(ByteBuffer.wrap(new byte[424])));
        assertTrue(blobs.stored.isEmpty(), "nothing there until it is whole");
        StoredUpload stored = result(small.finish()).value();
        assertEquals(1024, blobs.stored.get(stored.storedName()).content().length);

        blobs.stored.clear();
        IncomingFile big = ((Outcome.Accepted<IncomingFile>) uploads.beginUpload(ann)).value();
        result(big.open("big.bin"));
        result(big.write(ByteBuffer.wrap(new byte[1000])));
        result(big.write(ByteBuffer.wrap(new byte[25])));
        result(big.write(ByteBuffer.wrap(new byte[5000])));

        assertEquals(Outcome.rejected(Refusal.fileTooLarge(1024)), result(big.finish()));
        assertTrue(blobs.stored.isEmpty());
    }
}
