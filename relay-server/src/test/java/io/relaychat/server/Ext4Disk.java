package io.relaychat.server;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real ext4 file system in an image file, on a loop device, mounted with {@code errors=remount-ro}: the one way a
 * folder turns read-only under files a process holds open for writing (a plain read-only remount is refused, EBUSY).
 * {@link #failReadOnly} makes ext4 report an error as a failing disk would have it do, and the kernel turns the file
 * system read-only at once ("emergency_ro"): every later write fails with EROFS, until it is unmounted, checked and
 * mounted again, as an operator would. Needs root with CAP_SYS_ADMIN and a free loop device: where either is
 * missing, the test is skipped with the command's words. {@link #close} unmounts and detaches the device, also when
 * the test failed.
 */
final class Ext4Disk implements AutoCloseable {
    private final Path image;
    private final String device;
    private final Path mountPoint;
    private boolean mounted;

    private Ext4Disk(Path image, String device, Path mountPoint) {
        this.image = image;
        this.device = device;
        this.mountPoint = mountPoint;
    }

    /**
     * A fresh ext4 file system of {@code size} (as truncate takes it: {@code 32M}) in {@code image}, on a loop device,
     * mounted writable on {@code at}; or the test skipped, nothing left attached.
     */
    static Ext4Disk mount(Path image, String size, Path at) throws Exception {
        skipUnless(Tmpfs.run("truncate", "-s", size, image.toString()));
        skipUnless(Tmpfs.run("mkfs.ext4", "-q", "-F", image.toString()));
        Process attach = new ProcessBuilder("losetup", "--find", "--show", image.toString()).redirectErrorStream(true).start();
        String output = new String(attach.getInputStream().readAllBytes()).strip();
        Assumptions.assumeTrue(attach.waitFor() == 0 && output.startsWith("/dev/loop"),
                () -> "no loop device for an ext4 image here (needs root with CAP_SYS_ADMIN): " + output);
        Ext4Disk disk = new Ext4Disk(image, output, at);
        String refused = disk.mountNow();
        if (refused != null) {
            disk.close();
            Assumptions.abort("cannot mount an ext4 image here (needs root with CAP_SYS_ADMIN): " + refused);
        }
        return disk;
    }

    private static void skipUnless(String failed) {
        Assumptions.assumeTrue(failed == null, () -> "cannot make an ext4 image here: " + failed);
    }

    /** Mounts it again where it was, after {@link #unmountAndCheck}. */
    void mountAgain() {
        String failed = mountNow();
        if (failed != null) {
            throw new IllegalStateException("cannot mount the test's ext4 image again: " + failed);
        }
    }

    private String mountNow() {
        String failed = Tmpfs.run("mount", "-t", "ext4", "-o", "errors=remount-ro", device, mountPoint.toString());
        mounted = failed == null;
        return failed;
    }

    /** Has ext4 report an error (its sysfs trigger): with errors=remount-ro the kernel makes it read-only now. */
    void failReadOnly() throws Exception {
        Files.writeString(Path.of("/sys/fs/ext4", device.substring("/dev/".length()), "trigger_fs_error"), "1");
    }

    /** Unmounts it (whatever held files in it must have closed them) and repairs it, as after a disk error. */
    void unmountAndCheck() {
        unmount();
        // e2fsck answers 1 when it corrected something: the error the trigger recorded.
        String failed = Tmpfs.run("e2fsck", "-f", "-y", device);
        if (failed != null && !failed.contains("exit 1:")) {
            throw new IllegalStateException("cannot check the test's ext4 image: " + failed);
        }
    }

    private void unmount() {
        if (mounted) {
            String failed = Tmpfs.run("umount", mountPoint.toString());
            if (failed != null && Tmpfs.run("umount", "-l", mountPoint.toString()) != null) {
                throw new IllegalStateException("cannot unmount the test's ext4 image: " + failed);
            }
            mounted = false;
        }
    }

    @Override
    public void close() {
        try {
            unmount();
        } finally {
            Tmpfs.run("losetup", "-d", device);
        }
    }

    @Override
    public String toString() {
        return image + " on " + device;
    }
}
