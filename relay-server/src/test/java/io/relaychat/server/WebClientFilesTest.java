package io.relaychat.server;

import io.relaychat.adapter.netty.WebClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's files found on a class path as a build's folder and as a jar: the same client either way. */
class WebClientFilesTest {
    private static final Map<String, String> FILES = Map.of(
            "index.html", "<script type=\"module\" src=\"%ASSETS%/app.js\"></script>",
            "app.js", "import './views/rooms.js';",
            "views/rooms.js", "export {};",
            "app.css", "body {}");

    @Test
    void aFolderAndAJarOfTheSameFilesGiveTheSameClient(@TempDir Path temp) throws IOException {
        Path folder = temp.resolve("classes");
        Path jar = temp.resolve("relay-web.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream entries = new JarOutputStream(out)) {
            entries.putNextEntry(new JarEntry(WebClientFiles.FOLDER));
            for (Map.Entry<String, String> file : FILES.entrySet()) {
                Path path = folder.resolve(WebClientFiles.FOLDER + file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
                entries.putNextEntry(new JarEntry(WebClientFiles.FOLDER + file.getKey()));
                entries.write(file.getValue().getBytes(StandardCharsets.UTF_8));
            }
            entries.putNextEntry(new JarEntry("io/relaychat/other/not-the-client.js"));
        }

        WebClient fromFolder = load(folder);
        WebClient fromJar = load(jar);

        assertEquals(fromFolder.version(), fromJar.version());
        assertEquals(FILES.size(), fromFolder.fileCount());
        assertEquals(FILES.size(), fromJar.fileCount());
    }

    @Test
    void aClassPathWithoutTheClientIsAStartUpErrorNamingTheSetting(@TempDir Path empty) {
        ConfigException missing = assertThrows(ConfigException.class, () -> load(empty));

        assertTrue(missing.getMessage().contains("RELAY_WEB_CLIENT=false"), missing.getMessage());
    }

    private static WebClient load(Path classPath) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classPath.toUri().toURL()}, null)) {
            return WebClientFiles.load(loader);
        }
    }
}
