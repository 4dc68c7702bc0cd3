package io.relaychat.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds a document's code example to the compiled source it was taken from: the lines of a source file between a
 * line starting {@code // docs:begin} and one starting {@code // docs:end}, without the indentation they share, must appear in the
 * document as one fenced block. So an example that a test compiles and runs cannot drift from the one readers copy.
 */
public final class DocSnippet {
    public static final String BEGIN = "// docs:begin";
    public static final String END = "// docs:end";

    private DocSnippet() {
    }

    /** The marked lines of {@code source}, dedented, each ending in a newline. */
    public static String of(Path source) {
        List<String> lines = read(source).lines().toList();
        int begin = indexOf(lines, BEGIN, source);
        int end = indexOf(lines, END, source);
        if (end <= begin + 1) {
            throw new AssertionError(source + ": nothing between " + BEGIN + " and " + END);
        }
        List<String> marked = lines.subList(begin + 1, end);
        int indent = marked.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return marked.stream().map(line -> line.isBlank() ? "" : line.substring(indent))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** Fails unless {@code document} shows the marked lines of {@code source} exactly, in a {@code language} block. */
    public static void assertQuoted(Path document, String language, Path source) {
        String snippet = of(source);
        assertTrue(read(document).contains("```" + language + "\n" + snippet + "```\n"),
                () -> document + " must show, in a " + language + " block, exactly the lines between " + BEGIN
                        + " and " + END + " in " + source + ":\n" + snippet);
    }

    private static int indexOf(List<String> lines, String marker, Path source) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(marker)) { // the marker line may say why it is there
                return i;
            }
        }
        throw new AssertionError("no " + marker + " line in " + source);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
