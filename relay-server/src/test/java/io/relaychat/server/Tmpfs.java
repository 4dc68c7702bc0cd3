package io.relaychat.server;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system of its own for a test: a tmpfs of a given size mounted on an empty folder, so that a
 * server's folder can be filled to ENOSPC by a file written until the kernel refuses ({@link #fill}), or mounted
 * read-only, which stops even root (chmod does not). Mounting needs root with CAP_SYS_ADMIN: where it is refused, the
 * test is skipped with the mount's own words, and nothing is left mounted. {@link #close} unmounts, also when the
 * test failed; the mount point stays, empty, for the test's temporary folder to delete.
 */
final class Tmpfs implements AutoCloseable {
    private static final long COMMAND_WAIT_SECONDS = 30;

    private final Path root;
    private final List<Path> fillers = new ArrayList<>();

    private Tmpfs(Path root) {
        this.root = root;
    }

    /** Mounts a tmpfs of {@code size} (as mount takes it: {@code 16m}) on {@code at}, writable, or skips the test. */
    static Tmpfs mount(Path at, String size) {
        return mountWith(at, "size=" + size);
    }

    /** As {@link #mount(Path, String)}, read-only from the start: nothing, not even a folder, can be made in it. */
    static Tmpfs mountReadOnly(Path at, String size) {
        return mountWith(at, "size=" + size + ",ro");
    }

    private static Tmpfs mountWith(Path at, String options) {
        String refused = run("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString());
        Assumptions.assumeTrue(refused == null, () -> "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): " + refused);
        return new Tmpfs(at);
    }

    Path root() {
        return root;
    }

    /**
     * Writes a file under the root until the kernel answers ENOSPC, and closes it (a file still open would keep its
     * space after {@link #free}): from now on the file system has not one block left.
     */
    Path fill() throws IOException {
        Path filler = root.resolve("filler-" + fillers.size());
        fillers.add(filler);
        byte[] block = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                written += block.length;
                if (written > 1L << 30) {
                    throw new IllegalStateException("1 GiB written and no ENOSPC: not the small tmpfs");
                }
            }
        } catch (IOException full) {
            // A short write is retried by the stream, so the last page is taken too before the kernel says ENOSPC.
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return filler;
    }

    /**
     * Remounts it read-only ({@code true}) or writable again. Linux refuses a read-only remount (EBUSY) while a file
     * in it is open for writing, so this is for folders whose files are opened per request (uploads), not for an open
     * database.
     */
    void remount(boolean readOnly) {
        String failed = run("mount", "-o", readOnly ? "remount,ro" : "remount,rw", root.toString());
        if (failed != null) {
            throw new IllegalStateException("cannot remount the test's tmpfs: " + failed);
        }
    }

    /** Deletes the files {@link #fill} wrote: their space is free again. */
    void free() throws IOException {
        for (Path filler : fillers) {
            Files.deleteIfExists(filler);
        }
        fillers.clear();
    }

    @Override
    public void close() {
        String failed = run("umount", root.toString());
        if (failed != null) {
            // Something still holds a file in it (a server that did not stop): detach it now, freed when released.
            String lazy = run("umount", "-l", root.toString());
            if (lazy != null) {
                throw new IllegalStateException("cannot unmount the test's tmpfs at " + root + ": " + failed + "; " + lazy);
            }
        }
    }

    /** Runs a command; null when it succeeded, else what it said. */
    static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(COMMAND_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return String.join(" ", command) + " did not finish within " + COMMAND_WAIT_SECONDS + " s";
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? null : String.join(" ", command) + ": exit " + process.exitValue() + ": " + output;
        } catch (IOException e) {
            return String.join(" ", command) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return String.join(" ", command) + ": interrupted";
        }
    }
}
