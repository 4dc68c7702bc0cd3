package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deploy files of the repository as the tests read them: the Dockerfile, docker-compose.yml, the nginx
 * configuration, the Kubernetes manifests and the configuration table (docs/configuration.md), with the few
 * parsers they need (compose's ${VAR} interpolation, nginx directives, sizes and durations).
 */
final class DeployFiles {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** A name of the configuration table: the first column of a row, in backticks. */
    private static final Pattern TABLE_NAME = Pattern.compile("^\\|\\s*`([A-Z][A-Z0-9_]*)`\\s*\\|", Pattern.MULTILINE);
    /** Compose's interpolation: ${NAME}, ${NAME:-default}, ${NAME:?error} and their forms without the colon. */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?}");

    final Path root;

    private DeployFiles(Path root) {
        this.root = root;
    }

    /** The repository root: the tests run in relay-server/, whose parent holds the root pom and the deploy files. */
    static DeployFiles ofRepository() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isDirectory(candidate.resolve("relay-server")) && Files.isRegularFile(candidate.resolve("pom.xml"))) {
                return new DeployFiles(candidate);
            }
        }
        throw new IllegalStateException("no repository root above " + dir);
    }

    String text(String relative) {
        try {
            return Files.readString(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + relative, e);
        }
    }

    JsonNode yaml(String relative) {
        try {
            return YAML.readTree(root.resolve(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + relative, e);
        }
    }

    /** The variable names of the configuration table. */
    Set<String> configurationNames() {
        Set<String> names = new LinkedHashSet<>();
        Matcher row = TABLE_NAME.matcher(text("docs/configuration.md"));
        while (row.find()) {
            names.add(row.group(1));
        }
        return names;
    }

    /** docker-compose.yml's services that run RelayChat: those built from this repository. */
    Map<String, JsonNode> composeNodes() {
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        yaml("docker-compose.yml").path("services").fields().forEachRemaining(service -> {
            if (service.getValue().has("build")) {
                nodes.put(service.getKey(), service.getValue());
            }
        });
        return nodes;
    }

    /** A compose service's environment, given as a mapping, with ${...} replaced from {@code shell}. */
    static Map<String, String> environment(JsonNode service, Map<String, String> shell) {
        Map<String, String> env = new LinkedHashMap<>();
        service.path("environment").fields().forEachRemaining(entry -> {
            Matcher reference = INTERPOLATION.matcher(entry.getValue().asText());
            env.put(entry.getKey(), reference.replaceAll(found -> Matcher.quoteReplacement(
                    shell.getOrDefault(found.group(1), ""))));
        });
        return env;
    }

    /** The names the Dockerfile's ENV instructions set (continuation lines included). */
    Set<String> dockerfileEnvNames() {
        Set<String> names = new LinkedHashSet<>();
        for (String instruction : dockerfileInstructions("ENV")) {
            Matcher assignment = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=").matcher(instruction);
            while (assignment.find()) {
                names.add(assignment.group(1));
            }
        }
        return names;
    }

    /** The Dockerfile's instructions of one kind, each joined across its continuation lines, without the keyword. */
    List<String> dockerfileInstructions(String keyword) {
        List<String> found = new ArrayList<>();
        String joined = text("Dockerfile").replaceAll("\\\\\\r?\\n", " ");
        for (String line : joined.split("\\r?\\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith(keyword + " ")) {
                found.add(trimmed.substring(keyword.length() + 1).strip());
            }
        }
        return found;
    }

    /**
     * The body of the first nginx block opened by a line matching {@code opening} (e.g. "upstream relaychat"),
     * up to its closing brace; the braces are counted, so inner blocks are part of it.
     */
    static String nginxBlock(String conf, String opening) {
        Matcher start = Pattern.compile("(?m)^\\s*" + opening + "\\s*\\{").matcher(withoutComments(conf));
        if (!start.find()) {
            throw new AssertionError("no block '" + opening + "' in the nginx configuration");
        }
        String text = withoutComments(conf);
        int depth = 1;
        for (int i = start.end(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return text.substring(start.end(), i);
            }
        }
        throw new AssertionError("block '" + opening + "' is not closed");
    }

    /** The values of a directive within {@code block}, outside its inner blocks. */
    static List<String> nginxDirective(String block, String name) {
        StringBuilder outer = new StringBuilder();
        int depth = 0;
        for (char c : withoutComments(block).toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (depth == 0) {
                outer.append(c);
            }
        }
        List<String> values = new ArrayList<>();
        Matcher directive = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + "\\s+([^;]*);").matcher(outer);
        while (directive.find()) {
            values.add(directive.group(1).strip());
        }
        return values;
    }

    /** The one value of a directive that must be set in {@code block}. */
    static String nginxValue(String block, String name) {
        List<String> values = nginxDirective(block, name);
        if (values.size() != 1) {
            throw new AssertionError("expected one '" + name + "' in the block, found " + values);
        }
        return values.get(0);
    }

    /** An nginx size: 11m, 64k, 1048576. */
    static long nginxBytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([kKmMgG]?)").matcher(size);
        if (!m.matches()) {
            throw new AssertionError("not an nginx size: " + size);
        }
        long value = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase()) {
            case "k" -> value << 10;
            case "m" -> value << 20;
            case "g" -> value << 30;
            default -> value;
        };
    }

    /** An nginx time: 180s, 2m, 500ms, 15 (seconds). */
    static Duration nginxTime(String time) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(time);
        if (!m.matches()) {
            throw new AssertionError("not an nginx time: " + time);
        }
        long value = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(value);
            case "m" -> Duration.ofMinutes(value);
            case "h" -> Duration.ofHours(value);
            default -> Duration.ofSeconds(value);
        };
    }

    private static String withoutComments(String conf) {
        return conf.replaceAll("(?m)#.*$", "");
    }
}
