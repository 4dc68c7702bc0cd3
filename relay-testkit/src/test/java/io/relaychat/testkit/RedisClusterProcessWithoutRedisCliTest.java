package io.relaychat.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster is built with redis-cli: found on the PATH; missing, a cluster test skips, saying why, except under CI. */
class RedisClusterProcessWithoutRedisCliTest {

    @Test
    void withoutRedisCliAClusterTestSkipsAndSaysWhatToInstall(@TempDir Path emptyDir) {
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> RedisClusterProcess.redisCli(emptyDir.toString(), null));

        assertTrue(skipped.getMessage().contains("apt-get install redis-tools"), skipped.getMessage());
    }

    @Test
    void underCiAMissingRedisCliFailsTheTest(@TempDir Path emptyDir) {
        AssertionError failed = assertThrows(AssertionError.class,
                () -> RedisClusterProcess.redisCli(emptyDir.toString(), "true"));

        assertTrue(failed.getMessage().contains("redis-cli is not on the PATH"), failed.getMessage());
    }

    @Test
    void redisCliOnThePathIsTaken(@TempDir Path dir) throws IOException {
        Path redisCli = Files.writeString(dir.resolve("redis-cli"), "#!/bin/sh\n");
        assertTrue(redisCli.toFile().setExecutable(true));

        assertEquals(redisCli, RedisClusterProcess.redisCli("/nonexistent" + java.io.File.pathSeparator + dir, "true"));
    }
}
