package io.relaychat.adapter.sqlite;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A second process for {@link FolderLockAcrossProcessesTest}: opens the store in the folder given, says
 * {@value #HOLDING} (or why it could not, on one line), and keeps it open until its standard input ends.
 */
public final class HoldFolder {
    static final String HOLDING = "holding";

    private HoldFolder() {
    }

    public static void main(String[] args) throws IOException {
        try (SqliteStorage storage = SqliteStorage.open(SqliteSettings.in(Path.of(args[0])).withReaders(1))) {
            System.out.println(HOLDING);
            System.out.flush();
            while (System.in.read() != -1) {
                // held until the parent closes our input
            }
        } catch (IllegalStateException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }
}
