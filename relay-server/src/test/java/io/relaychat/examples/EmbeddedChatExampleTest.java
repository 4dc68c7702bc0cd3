package io.relaychat.examples;

import io.relaychat.testkit.DocSnippet;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedChatExampleTest {
    /** Surefire runs in relay-server's folder; the docs and the other modules are in the repository's root. */
    private static final Path ROOT = Path.of("..");
    private static final Path DOC = ROOT.resolve("docs/embedding.md");
    private static final Path EXAMPLE = Path.of("src/test/java/io/relaychat/examples/EmbeddedChatExample.java");
    private static final Pattern ARTIFACT = Pattern.compile(
            "<groupId>io\\.relaychat</groupId>\\s*<artifactId>([a-z-]+)</artifactId>(\\s*<scope>(\\w+)</scope>)?");

    @Test
    void twoUsersChatThroughTheEmbeddedCoreWithoutAnyTransport() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        List<String> bobSaw = EmbeddedChatExample.run(new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertEquals(List.of("alice: Have some tea?", "bob: I don't see any tea."), bobSaw);
        String output = printed.toString(StandardCharsets.UTF_8);
        assertTrue(output.contains("alice sees #2 bob: I don't see any tea."), output);
    }

    @Test
    void theDocShowsTheExamplesCodeAsItIsCompiled() {
        DocSnippet.assertQuoted(DOC, "java", EXAMPLE);
    }

    /**
     * A reader who adds only the dependencies the doc lists must get every class the example imports: each
     * io.relaychat package it imports is in a listed module, or in one a listed module depends on at compile time.
     */
    @Test
    void theDocListsTheArtifactsThatHoldEveryClassTheExampleImports() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String xml = doc.substring(doc.indexOf("```xml\n"), doc.indexOf("```\n", doc.indexOf("```xml\n") + 7));
        Set<String> reachable = new TreeSet<>();
        artifacts(xml).forEach(listed -> {
            reachable.add(listed);
            reachable.addAll(compileDependencies(listed));
        });

        Set<String> needed = new TreeSet<>();
        Matcher imported = Pattern.compile("^import (io\\.relaychat\\.[a-z.]+)\\.[A-Z]\\w*;", Pattern.MULTILINE)
                .matcher(Files.readString(EXAMPLE, StandardCharsets.UTF_8));
        while (imported.find()) {
            needed.add(moduleOf(imported.group(1)));
        }

        assertTrue(needed.size() >= 3, "the example imports the core and its adapters: " + needed);
        assertTrue(reachable.containsAll(needed), "the doc's dependencies reach " + reachable + ", the example needs "
                + needed);
    }

    private static Set<String> artifacts(String xml) {
        Set<String> found = new TreeSet<>();
        Matcher artifact = ARTIFACT.matcher(xml);
        while (artifact.find()) {
            if (artifact.group(3) == null || artifact.group(3).equals("compile")) {
                found.add(artifact.group(1));
            }
        }
        return found;
    }

    private static Set<String> compileDependencies(String module) {
        try {
            String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"), StandardCharsets.UTF_8);
            return artifacts(pom.substring(pom.indexOf("<dependencies>")));
        } catch (IOException e) {
            throw new AssertionError("the doc lists " + module + ", which is no module of this project", e);
        }
    }

    /** The module whose main sources hold {@code packageName}. */
    private static String moduleOf(String packageName) throws IOException {
        Path folder = Path.of("src/main/java", packageName.split("\\."));
        try (Stream<Path> modules = Files.list(ROOT)) {
            return modules.filter(module -> Files.isDirectory(module.resolve(folder)))
                    .map(module -> module.getFileName().toString())
                    .findFirst().orElseThrow(() -> new AssertionError("no module holds " + packageName));
        }
    }
}
