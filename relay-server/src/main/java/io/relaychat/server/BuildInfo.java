package io.relaychat.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What was built: the version and the git commit Maven wrote into version.properties, each "unknown" when the
 * build could not tell (classes compiled some other way, or a source tree without its .git directory).
 */
record BuildInfo(String version, String commit) {
    static final String UNKNOWN = "unknown";
    private static final String RESOURCE = "version.properties";

    static BuildInfo load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // an unreadable resource tells as much as a missing one
        }
        return new BuildInfo(known(properties.getProperty("version")), known(properties.getProperty("commit")));
    }

    /** A value Maven did not fill in stays a {@code ${...}} placeholder; both it and an empty one are unknown. */
    private static String known(String value) {
        String stripped = value == null ? "" : value.strip();
        return stripped.isEmpty() || stripped.startsWith("${") ? UNKNOWN : stripped;
    }

    /** The line {@code --version} prints. */
    String line() {
        return "relay-server " + version + " (commit " + commit + ")";
    }
}
