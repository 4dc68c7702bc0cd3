package io.relaychat.adapter.netty;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a hostile client writes into a WebSocket text frame, as jqwik generators: valid commands with their
 * fields mutated (wrong types, huge and negative numbers, 2^53 and beyond, nulls, unknown actions, deep nesting,
 * long strings, control, bidi and lone-surrogate characters), then, now and then, the whole text broken (cut
 * short, a byte changed, not an object at all). The JSON is written by hand, so that it can be wrong.
 */
final class HostileFrames {
    static final List<String> ACTIONS = List.of("join_room", "leave_room", "send_message", "typing", "ping");
    static final List<String> FIELDS = List.of("action", "room_id", "content", "attachments", "client_id", "since_seq");

    private HostileFrames() {
    }

    /** One client frame's text. */
    static Arbitrary<String> frames() {
        return Arbitraries.frequencyOf(
                weighted(6, mutatedCommands()),
                weighted(2, mutatedCommands().flatMap(HostileFrames::broken)),
                weighted(1, notObjects()));
    }

    /** An arbitrary with its weight, for {@link Arbitraries#frequencyOf}. */
    static <T> Tuple.Tuple2<Integer, Arbitrary<? extends T>> weighted(int weight, Arbitrary<T> arbitrary) {
        return Tuple.of(weight, arbitrary);
    }

    /** A valid command of any action, with none, one or two of its fields mutated, dropped, repeated or added. */
    static Arbitrary<String> mutatedCommands() {
        Arbitrary<List<String[]>> command = Arbitraries.of(ACTIONS).flatMap(HostileFrames::validCommand);
        Arbitrary<List<String[]>> mutated = command.flatMap(fields -> mutation().list().ofMaxSize(2).map(mutations -> {
            List<String[]> result = new ArrayList<>(fields);
            mutations.forEach(mutation -> mutation.accept(result));
            return result;
        }));
        return mutated.map(fields -> fields.stream().map(field -> quoted(field[0]) + ":" + field[1])
                .collect(Collectors.joining(",", "{", "}")));
    }

    /** A command an honest client sends: the action's fields, with honest values (since_seq up to 2^63 - 1). */
    static Arbitrary<List<String[]>> validCommand(String action) {
        Arbitrary<String[]> roomId = honest("room_id").map(value -> new String[] {"room_id", value});
        List<String> optional = switch (action) {
            case "send_message" -> List.of("content", "attachments", "client_id");
            case "join_room" -> List.of("since_seq");
            default -> List.of();
        };
        Arbitrary<List<String[]>> extras = Arbitraries.subsetOf(optional).flatMap(names -> names.isEmpty() ? Arbitraries.just(List.of())
                : Combinators.combine(names.stream().map(name -> honest(name).map(value -> new String[] {name, value})).toList())
                        .as(List::copyOf));
        return Combinators.combine(roomId, extras).as((room, rest) -> {
            List<String[]> fields = new ArrayList<>();
            fields.add(new String[] {"action", quoted(action)});
            if (!action.equals("ping")) {
                fields.add(room);
            }
            fields.addAll(rest);
            if (action.equals("send_message") && rest.stream().noneMatch(field -> field[0].equals("content"))) {
                fields.add(new String[] {"content", "\"hi\""});
            }
            return fields;
        });
    }

    /** One change to a command's fields: a value replaced by anything, a field dropped, repeated or added. */
    static Arbitrary<java.util.function.Consumer<List<String[]>>> mutation() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 20);
        return Arbitraries.oneOf(
                Combinators.combine(index, values()).as((at, value) -> fields -> {
                    if (!fields.isEmpty()) {
                        fields.set(at % fields.size(), new String[] {fields.get(at % fields.size())[0], value});
                    }
                }),
                index.map(at -> fields -> {
                    if (!fields.isEmpty()) {
                        fields.remove(at % fields.size());
                    }
                }),
                Combinators.combine(Arbitraries.of(FIELDS), values()).as((name, value) -> fields -> fields.add(new String[] {name, value})),
                Combinators.combine(strings(), values()).as((name, value) -> fields -> fields.add(new String[] {name, value})));
    }

    /** A value an honest client would send for {@code field}. */
    static Arbitrary<String> honest(String field) {
        return switch (field) {
            case "action" -> Arbitraries.of(ACTIONS).map(HostileFrames::quoted);
            case "room_id" -> Arbitraries.of("r1", "room-2", "00000000-0000-0000-0000-000000000000").map(HostileFrames::quoted);
            case "content" -> Arbitraries.strings().ofMaxLength(50).map(HostileFrames::quoted);
            case "attachments" -> Arbitraries.of("[]", "[\"/static/uploads/abc.png\"]", "[\"https://example.org/a\"]",
                    "[\"javascript:alert(1)\"]", "[\"https://user@host/\"]");
            case "client_id" -> Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(HostileFrames::quoted);
            case "since_seq" -> Arbitraries.oneOf(Arbitraries.longs().between(0, 1000).map(String::valueOf),
                    Arbitraries.longs().between((1L << 53) - 2, (1L << 53) + 2).map(String::valueOf),
                    Arbitraries.longs().greaterOrEqual(0).map(String::valueOf));
            default -> throw new IllegalArgumentException(field);
        };
    }

    /** Any JSON value, or something that only looks like one. */
    static Arbitrary<String> values() {
        return Arbitraries.frequencyOf(
                weighted(3, numbers()),
                weighted(3, strings().map(HostileFrames::quoted)),
                weighted(2, Arbitraries.of("null", "true", "false", "[]", "{}", "\"\"", "\" \"", "[null]", "[1,2]",
                        "{\"a\":1}", "NaN", "Infinity", "-Infinity", "undefined", "0x10", "01", "'single'", "")),
                weighted(1, deepNesting()),
                weighted(1, strings().list().ofMaxSize(12).map(items -> items.stream().map(HostileFrames::quoted)
                        .collect(Collectors.joining(",", "[", "]")))));
    }

    /** Seqs and counts at and past every edge: 2^31, 2^53 (JavaScript's last exact integer), 2^63, and huge. */
    static Arbitrary<String> numbers() {
        return Arbitraries.frequencyOf(
                weighted(3, Arbitraries.of("0", "-0", "-1", "1", "1.0", "1.5", "-1.5", "1e3", "1E+2", "1e308", "1e400",
                        "-1e400", "2147483647", "2147483648", "-2147483649", "9007199254740991", "9007199254740992",
                        "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                        "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890123456789",
                        "0.0000000000000000000001", "4.9e-324")),
                weighted(2, Arbitraries.longs().map(String::valueOf)),
                weighted(1, Arbitraries.bigIntegers().between(java.math.BigInteger.TWO.pow(53).negate(),
                        java.math.BigInteger.TWO.pow(70)).map(String::valueOf)),
                weighted(1, Arbitraries.strings().numeric().ofMinLength(20).ofMaxLength(400)));
    }

    /**
     * A string's inside as JSON writes it: plain text, JSON escapes of control, bidi, zero-width and lone surrogate
     * characters, raw control characters (which JSON forbids), and now and then a long run.
     */
    static Arbitrary<String> strings() {
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                weighted(4, Arbitraries.strings().ofMaxLength(12).map(HostileFrames::escaped)),
                weighted(2, Arbitraries.of("\\u0000", "\\u001f", "\\n", "\\t", "\\u202e", "\\u2066", "\\u200b", "\\ufeff",
                        "\\ud800", "\\udfff", "\\ud83d\\ude00", "\\u", "\\x41", "\\", "\u0001", "\n", "\u202e", "\u200b",
                        "\ud83d\ude00", "\u00e9", "\u4e2d", "%00", "<script>", "../", "/static/uploads/", "https://")),
                weighted(1, Arbitraries.integers().between(100, 70_000).withDistribution(net.jqwik.api.RandomDistribution.biased()).map("x"::repeat)));
        return piece.list().ofMaxSize(6).map(pieces -> String.join("", pieces));
    }

    /** Arrays or objects nested up to 5 000 deep: past Jackson's nesting limit, as a stack-overflow attempt would be. */
    static Arbitrary<String> deepNesting() {
        return Combinators.combine(Arbitraries.integers().between(1, 5_000), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((depth, arrays, closed) -> {
                    String open = arrays ? "[" : "{\"a\":";
                    String close = arrays ? "]" : "}";
                    return open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
                });
    }

    /** The text spoiled: cut short, a character changed or added, or wrapped so it is not an object. */
    static Arbitrary<String> broken(String text) {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, text.length());
        Arbitrary<Character> noise = Arbitraries.of('"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', 'x', '\ud800');
        return Arbitraries.oneOf(
                at.map(cut -> text.substring(0, cut)),
                Combinators.combine(at, noise).as((where, c) -> text.substring(0, where) + c + text.substring(where)),
                Combinators.combine(at, noise).as((where, c) -> where == text.length() ? text + c
                        : text.substring(0, where) + c + text.substring(where + 1)),
                Arbitraries.just("[" + text + "]"),
                Arbitraries.just(text + text),
                Arbitraries.just(text + " trailing"));
    }

    /** Whole texts that are no JSON object at all. */
    static Arbitrary<String> notObjects() {
        return Arbitraries.oneOf(values(), Arbitraries.strings().ofMaxLength(200),
                Arbitraries.of("", " ", "\u0000", "\ufeff{}", "{}", "{\"action\"}", "{\"action\":}", "{,}", "{\"action\":\"ping\"}{"));
    }

    static String quoted(String inside) {
        return "\"" + inside + "\"";
    }

    /** {@code text} as the inside of a JSON string, escaped as a careful client would. */
    static String escaped(String text) {
        StringBuilder json = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.toString();
    }
}
