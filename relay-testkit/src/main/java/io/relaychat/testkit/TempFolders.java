package io.relaychat.testkit;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deletes a temporary folder a fixture made, with everything in it, when the fixture closes: a test run otherwise
 * leaves hundreds of them in the system's temporary directory.
 */
public final class TempFolders {
    private TempFolders() {
    }

    /**
     * Deletes {@code folder} and what it holds, as far as it can. A fixture calls it from its close, where failing
     * would hide the test's own outcome, so a file that cannot be deleted is left behind rather than thrown about.
     * Links are deleted, never followed.
     */
    public static void delete(Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    deleteIfThere(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // a file a process removed meanwhile, or one we may not read: the rest still goes
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    deleteIfThere(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // left behind: see above
        }
    }

    private static void deleteIfThere(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // left behind, and so is the folder holding it; the rest still goes
        }
    }
}
