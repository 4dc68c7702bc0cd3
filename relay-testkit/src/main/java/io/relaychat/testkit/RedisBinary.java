package io.relaychat.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code redis-server} the tests run, and its version: the one on the PATH (Debian's, in CI), else the Linux
 * build shipped inside the embedded-redis artifact (a dependency of this module), copied out once per JVM. So the
 * Redis tests need nothing installed beyond a JDK and Maven; a test that needs a newer Redis than the shipped one
 * (6.2) asks {@link #atLeast} and says why it skips.
 *
 * @param path    the executable
 * @param version its {@code --version}, e.g. {@code 7.0.15}
 * @param origin  where it was found, for skip reasons and failures: the PATH, or the artifact's entry
 */
public record RedisBinary(Path path, String version, String origin) {
    private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");
    private static RedisBinary found;

    /** The binary for this JVM's tests: found on the PATH or copied out of the artifact the first time it is asked for. */
    public static synchronized RedisBinary find() {
        if (found == null) {
            found = find(System.getenv().getOrDefault("PATH", ""));
        }
        return found;
    }

    /** The binary on {@code searchPath} (directories as in PATH), else the one shipped in the artifact, copied to a new folder. */
    static RedisBinary find(String searchPath) {
        Optional<Path> installed = onPath(searchPath);
        if (installed.isPresent()) {
            return new RedisBinary(installed.get(), versionOf(installed.get()), "PATH");
        }
        String entry = shippedEntry(System.getProperty("os.name"), System.getProperty("os.arch"));
        if (entry == null) {
            throw new AssertionError("redis-server is not on the PATH and embedded-redis ships none for "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + ": install it (Debian: apt-get install redis-server)");
        }
        Path copied = copyOut(entry);
        return new RedisBinary(copied, versionOf(copied), "embedded-redis " + entry);
    }

    /** True when this server is at least {@code major.minor}, e.g. {@code atLeast(7, 0)} for sharded pub/sub. */
    public boolean atLeast(int major, int minor) {
        String[] parts = version.split("\\.");
        int ownMajor = Integer.parseInt(parts[0]);
        return ownMajor > major || (ownMajor == major && Integer.parseInt(parts[1]) >= minor);
    }

    /** For a skip reason: "needs Redis 7.0 for sharded pub/sub; this redis-server is 6.2.11 (from ...)". */
    public String tooOldFor(String feature, int major, int minor) {
        return "needs Redis " + major + "." + minor + " for " + feature + "; this redis-server is " + version
                + " (from " + origin + "); install a newer one on the PATH to run it";
    }

    static Optional<Path> onPath(String searchPath) {
        return onPath(searchPath, "redis-server");
    }

    /** The executable {@code name} in the first directory of {@code searchPath} that has one, e.g. redis-cli. */
    static Optional<Path> onPath(String searchPath, String name) {
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            File candidate = new File(dir, name);
            if (candidate.isFile() && candidate.canExecute()) {
                return Optional.of(candidate.toPath());
            }
        }
        return Optional.empty();
    }

    /** The artifact's entry for this platform, or null when it ships none (it has Linux builds for x86-64 and arm64). */
    static String shippedEntry(String osName, String osArch) {
        if (osName == null || !osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        return switch (osArch == null ? "" : osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "redis-server-6.2.6-v5-linux-amd64";
            case "aarch64", "arm64" -> "redis-server-6.2.7-linux-arm64";
            default -> null;
        };
    }

    private static Path copyOut(String entry) {
        try (InputStream shipped = RedisBinary.class.getResourceAsStream("/" + entry)) {
            if (shipped == null) {
                throw new AssertionError("redis-server is not on the PATH, and " + entry + " is not on the class path "
                        + "(com.github.codemonstur:embedded-redis): install redis-server (Debian: apt-get install redis-server)");
            }
            Path dir = Files.createTempDirectory("relay-redis-bin");
            // Deleted at exit in the reverse order of these calls: the binary first, so that the folder is empty by then.
            dir.toFile().deleteOnExit();
            Path binary = dir.resolve("redis-server");
            binary.toFile().deleteOnExit();
            Files.copy(shipped, binary, StandardCopyOption.REPLACE_EXISTING);
            if (!binary.toFile().setExecutable(true, true)) {
                throw new IOException("cannot make " + binary + " executable");
            }
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + entry + " out of embedded-redis", e);
        }
    }

    private static String versionOf(Path binary) {
        try {
            Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String output;
            try (InputStream out = process.getInputStream()) {
                output = new String(out.readNBytes(4096), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(binary + " --version did not answer within 10 s");
            }
            Matcher matcher = VERSION.matcher(output);
            if (!matcher.find()) {
                throw new AssertionError(binary + " --version did not name a version: " + output.strip());
            }
            return matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while asking " + binary + " for its version", e);
        }
    }
}
