package io.relaychat.server;

import io.relaychat.adapter.netty.WebClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Reads the browser client (the relay-web module's files) from the class path, so the transport can serve it: every
 * file under {@value #FOLDER}, whether that folder is inside a jar (the runnable jar, where relay-web's files are
 * merged in) or a plain folder (a build's classes, an IDE). Read once, at start-up, before the transport listens:
 * nothing touches the class path while requests are answered.
 */
final class WebClientFiles {
    /** Where relay-web keeps the client among its resources. */
    static final String FOLDER = "io/relaychat/web/client/";
    /** Whether a node serves the client when RELAY_WEB_CLIENT is not set: a node is a chat anyone can open. */
    static final boolean SERVED_BY_DEFAULT = true;

    private WebClientFiles() {
    }

    /** The client found through {@code loader}. */
    static WebClient load(ClassLoader loader) {
        URL index = loader.getResource(FOLDER + WebClient.INDEX);
        if (index == null) {
            throw new ConfigException("the web client (" + FOLDER + WebClient.INDEX + ") is not on the class path; "
                    + "build the server with relay-web, or set RELAY_WEB_CLIENT=false to serve the API alone");
        }
        try {
            return WebClient.of(switch (index.getProtocol()) {
                case "file" -> fromFolder(Path.of(index.toURI()).getParent());
                case "jar" -> fromJar((JarURLConnection) index.openConnection());
                default -> throw new ConfigException("the web client is at " + index + ", which is neither a folder "
                        + "nor a jar; set RELAY_WEB_CLIENT=false to serve the API alone");
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web client at " + index, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the class path gave a URL that is no URI: " + index, e);
        }
    }

    private static Map<String, byte[]> fromFolder(Path folder) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (Stream<Path> tree = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) tree.filter(Files::isRegularFile)::iterator) {
                files.put(folder.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/"),
                        Files.readAllBytes(file));
            }
        }
        return files;
    }

    /**
     * The jar is opened on its own, not through the class loader's shared copy, so that closing it here cannot
     * close the one classes are loaded from.
     */
    private static Map<String, byte[]> fromJar(JarURLConnection index) throws IOException, URISyntaxException {
        Map<String, byte[]> files = new HashMap<>();
        try (JarFile jar = new JarFile(Path.of(index.getJarFileURL().toURI()).toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (!entry.isDirectory() && entry.getName().startsWith(FOLDER)) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        files.put(entry.getName().substring(FOLDER.length()), in.readAllBytes());
                    }
                }
            }
        }
        return files;
    }
}
