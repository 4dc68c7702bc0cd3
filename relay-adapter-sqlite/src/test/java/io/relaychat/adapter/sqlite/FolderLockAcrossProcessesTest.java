package io.relaychat.adapter.sqlite;

import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.anAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One owner per data folder across processes: while another JVM holds the folder, opening it here fails at once
 * naming the lock file; once that process is gone, the folder opens. And the other way round: a folder this JVM
 * holds is refused to the other process.
 */
@IntegrationTest
class FolderLockAcrossProcessesTest {
    @TempDir
    Path folder;
    private Process other;

    @AfterEach
    void stopOther() throws InterruptedException {
        if (other != null && other.isAlive()) {
            other.destroy();
            other.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process holdInAnotherJvm() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HoldFolder.class.getName(),
                folder.toString()).redirectErrorStream(true).start();
    }

    private static String firstLine(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals(HoldFolder.HOLDING) || line.startsWith("refused: ")) {
                return line;
            }
        }
        return "ended without a word, exit " + process.onExit().join().exitValue();
    }

    @Test
    void aFolderHeldByAnotherProcessIsRefusedNamingTheLockFileUntilThatProcessIsGone() throws Exception {
        other = holdInAnotherJvm();
        assertEquals(HoldFolder.HOLDING, firstLine(other));

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> SqliteStorage.open(SqliteSettings.in(folder)));
        assertTrue(refused.getMessage().contains(folder.resolve(DirectoryLock.LOCK_FILE).toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("another process"), refused.getMessage());

        other.getOutputStream().close();
        assertTrue(other.waitFor(30, TimeUnit.SECONDS), "the holder ends once its input is closed");
        try (SqliteStorage storage = SqliteStorage.open(SqliteSettings.in(folder))) {
            assertTrue(result(storage.users().insertIfEmailFree(anAccount("next@example.com", "next"))));
        }
    }

    @Test
    void aFolderHeldHereIsRefusedToAnotherProcess() throws Exception {
        try (SqliteStorage storage = SqliteStorage.open(SqliteSettings.in(folder))) {
            other = holdInAnotherJvm();
            String said = firstLine(other);

            assertTrue(said.startsWith("refused: ") && said.contains(DirectoryLock.LOCK_FILE), said);
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));
        }
    }
}
