package io.relaychat.testkit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * JSON as a hostile client writes it, as jqwik generators, for REST bodies and WebSocket frames alike: an honest
 * object with none, one or two fields given any value (wrong types, 2^53 and beyond, huge numbers, nulls, nesting
 * 5 000 deep, long strings, control, bidi and lone-surrogate escapes), dropped or added; now and then the text is
 * cut short or spoiled, or is no object at all. Written by hand, so that it can be wrong. The transport's
 * frame properties and the server's end-to-end properties draw on the same values.
 */
public final class HostileJson {
    private HostileJson() {
    }

    public static <T> Tuple.Tuple2<Integer, Arbitrary<? extends T>> weighted(int weight, Arbitrary<T> arbitrary) {
        return Tuple.of(weight, arbitrary);
    }

    /** An object with {@code honest}'s fields (name to honest value), mutated; sometimes broken or not an object. */
    public static Arbitrary<String> objects(Map<String, Arbitrary<String>> honest) {
        Arbitrary<String> mutated = mutatedObjects(honest);
        return Arbitraries.frequencyOf(weighted(7, mutated), weighted(2, mutated.flatMap(HostileJson::broken)),
                weighted(1, notObjects()));
    }

    public static Arbitrary<String> mutatedObjects(Map<String, Arbitrary<String>> honest) {
        List<String> names = List.copyOf(honest.keySet());
        Arbitrary<List<String[]>> fields = names.isEmpty() ? Arbitraries.just(List.of())
                : Combinators.combine(names.stream().map(name -> honest.get(name).map(value -> new String[] {name, value})).toList())
                        .as(List::copyOf);
        return fields.flatMap(valid -> mutation(names).list().ofMaxSize(2).map(mutations -> {
            List<String[]> result = new ArrayList<>(valid);
            mutations.forEach(mutation -> mutation.accept(result));
            return result.stream().map(field -> quoted(field[0]) + ":" + field[1]).collect(Collectors.joining(",", "{", "}"));
        }));
    }

    /**
     * One change to an object's fields: a value replaced by anything, a field dropped, or a field added, named from
     * {@code names} or anything.
     */
    public static Arbitrary<Consumer<List<String[]>>> mutation(List<String> names) {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 20);
        Arbitrary<String> name = names.isEmpty() ? strings() : Arbitraries.oneOf(Arbitraries.of(names), strings());
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
                Combinators.combine(name, values()).as((field, value) -> fields -> fields.add(new String[] {field, value})));
    }

    /** Any JSON value, or something that only looks like one. */
    public static Arbitrary<String> values() {
        return Arbitraries.frequencyOf(
                weighted(3, numbers()),
                weighted(3, strings().map(HostileJson::quoted)),
                weighted(2, Arbitraries.of("null", "true", "false", "[]", "{}", "\"\"", "\" \"", "[null]", "[1,2]",
                        "{\"a\":1}", "NaN", "Infinity", "-Infinity", "undefined", "0x10", "01", "'single'", "")),
                weighted(1, deepNesting()),
                weighted(1, strings().list().ofMaxSize(12).map(items -> items.stream().map(HostileJson::quoted)
                        .collect(Collectors.joining(",", "[", "]")))));
    }

    /** Seqs and counts at and past every edge: 2^31, 2^53 (JavaScript's last exact integer), 2^63, and huge. */
    public static Arbitrary<String> numbers() {
        return Arbitraries.frequencyOf(
                weighted(3, Arbitraries.of("0", "-0", "-1", "1", "1.0", "1.5", "-1.5", "1e3", "1E+2", "1e308", "1e400",
                        "-1e400", "2147483647", "2147483648", "-2147483649", "9007199254740991", "9007199254740992",
                        "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                        "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890123456789",
                        "0.0000000000000000000001", "4.9e-324")),
                weighted(2, Arbitraries.longs().map(String::valueOf)),
                weighted(1, Arbitraries.bigIntegers().between(BigInteger.TWO.pow(53).negate(), BigInteger.TWO.pow(70)).map(String::valueOf)),
                weighted(1, Arbitraries.strings().numeric().ofMinLength(20).ofMaxLength(400)));
    }

    /**
     * A string's inside as JSON writes it: plain text, JSON escapes of control, bidi, zero-width and lone surrogate
     * characters, raw control characters (which JSON forbids), and now and then a long run.
     */
    public static Arbitrary<String> strings() {
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                weighted(4, Arbitraries.strings().ofMaxLength(12).map(HostileJson::escaped)),
                weighted(2, Arbitraries.of("\\u0000", "\\u001f", "\\n", "\\t", "\\u202e", "\\u2066", "\\u200b", "\\ufeff",
                        "\\ud800", "\\udfff", "\\ud83d\\ude00", "\\u", "\\x41", "\\", "\u0001", "\n", "\u202e", "\u200b",
                        "\ud83d\ude00", "\u00e9", "\u4e2d", "%00", "<script>", "../", "/static/uploads/", "https://")),
                weighted(1, Arbitraries.integers().between(100, 70_000).withDistribution(RandomDistribution.biased()).map("x"::repeat)));
        return piece.list().ofMaxSize(6).map(pieces -> String.join("", pieces));
    }

    /** Arrays or objects nested up to 5 000 deep: past Jackson's nesting limit, as a stack-overflow attempt would be. */
    public static Arbitrary<String> deepNesting() {
        return Combinators.combine(Arbitraries.integers().between(1, 5_000), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((depth, arrays, closed) -> {
                    String open = arrays ? "[" : "{\"a\":";
                    String close = arrays ? "]" : "}";
                    return open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
                });
    }

    /** The text spoiled: cut short, a character changed or added, or wrapped so it is not an object. */
    public static Arbitrary<String> broken(String text) {
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

    public static Arbitrary<String> notObjects() {
        return Arbitraries.oneOf(values(), Arbitraries.strings().ofMaxLength(100),
                Arbitraries.of("", " ", "\u0000", "\ufeff{}", "{}", "{\"a\"}", "{\"a\":}", "{,}", "{}{"));
    }

    public static String quoted(String inside) {
        return "\"" + inside + "\"";
    }

    /** {@code text} as the inside of a JSON string, escaped as a careful client would. */
    public static String escaped(String text) {
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
