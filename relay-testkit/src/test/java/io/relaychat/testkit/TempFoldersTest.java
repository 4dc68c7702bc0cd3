package io.relaychat.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fixture's folder goes with everything in it, and nothing a link in it points to goes too. */
class TempFoldersTest {

    @Test
    void aFolderGoesWithItsFilesAndSubfoldersButNotWhatALinkPointsTo(@TempDir Path parent) throws IOException {
        Path outside = Files.writeString(parent.resolve("outside.txt"), "kept");
        Path folder = Files.createDirectories(parent.resolve("fixture/node-1"));
        Files.writeString(folder.resolve("redis.log"), "log");
        Files.writeString(parent.resolve("fixture/cluster-create.log"), "log");
        Files.createSymbolicLink(parent.resolve("fixture/link"), outside);

        TempFolders.delete(parent.resolve("fixture"));

        assertFalse(Files.exists(parent.resolve("fixture")));
        assertTrue(Files.exists(outside));
        assertEquals("kept", Files.readString(outside));
    }

    @Test
    void aFolderThatIsGoneOrNotGivenIsNoError(@TempDir Path parent) {
        TempFolders.delete(parent.resolve("never-made"));
        TempFolders.delete(null);
    }
}
