package io.relaychat.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the tests' redis-server comes from: the PATH first, else the build shipped in the embedded-redis artifact. */
class RedisBinaryTest {

    @Test
    void withNoRedisServerOnThePathTheShippedBuildIsCopiedOutAndRuns(@TempDir Path emptyDir) {
        RedisBinary binary = RedisBinary.find(emptyDir.toString());

        assertTrue(binary.origin().startsWith("embedded-redis "), binary.origin());
        assertTrue(Files.isExecutable(binary.path()), binary.path() + " is executable");
        assertTrue(binary.version().startsWith("6.2."), "the shipped build is Redis 6.2, got " + binary.version());
        assertTrue(binary.atLeast(6, 2), "enough for SET ... GET, which the node roster uses");
        assertFalse(binary.atLeast(7, 0), "too old for sharded pub/sub");
        assertTrue(binary.tooOldFor("sharded pub/sub", 7, 0).contains("needs Redis 7.0 for sharded pub/sub"));
    }

    @Test
    void aRedisServerOnThePathIsTakenFirst(@TempDir Path dir) throws IOException {
        Path script = dir.resolve("redis-server");
        Files.writeString(script, "#!/bin/sh\necho 'Redis server v=7.4.1 sha=00000000:0 malloc=libc bits=64'\n");
        assertTrue(script.toFile().setExecutable(true));

        RedisBinary binary = RedisBinary.find("/nonexistent" + java.io.File.pathSeparator + dir);

        assertEquals(new RedisBinary(script, "7.4.1", "PATH"), binary);
        assertTrue(binary.atLeast(7, 0));
    }

    @Test
    void aFileThatIsNotExecutableIsNotTaken(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("redis-server"), "not a program");

        assertEquals(Optional.empty(), RedisBinary.onPath(dir.toString()));
    }

    @Test
    void theArtifactShipsLinuxBuildsForX86AndArm() {
        assertEquals("redis-server-6.2.6-v5-linux-amd64", RedisBinary.shippedEntry("Linux", "amd64"));
        assertEquals("redis-server-6.2.7-linux-arm64", RedisBinary.shippedEntry("Linux", "aarch64"));
        assertNull(RedisBinary.shippedEntry("Mac OS X", "aarch64"));
        assertNull(RedisBinary.shippedEntry("Linux", "riscv64"));
    }
}
