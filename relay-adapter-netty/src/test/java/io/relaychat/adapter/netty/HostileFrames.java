package io.relaychat.adapter.netty;


import io.relaychat.testkit.HostileJson;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

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
                HostileJson.weighted(6, mutatedCommands()),
                HostileJson.weighted(2, mutatedCommands().flatMap(HostileJson::broken)),
                HostileJson.weighted(1, notObjects()));
    }


    /** A valid command of any action, with none, one or two of its fields mutated, dropped, repeated or added. */
    static Arbitrary<String> mutatedCommands() {
        Arbitrary<List<String[]>> command = Arbitraries.of(ACTIONS).flatMap(HostileFrames::validCommand);
        Arbitrary<List<String[]>> mutated = command.flatMap(fields -> HostileJson.mutation(FIELDS).list().ofMaxSize(2).map(mutations -> {
            List<String[]> result = new ArrayList<>(fields);
            mutations.forEach(mutation -> mutation.accept(result));
            return result;
        }));
        return mutated.map(fields -> fields.stream().map(field -> HostileJson.quoted(field[0]) + ":" + field[1])
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
            fields.add(new String[] {"action", HostileJson.quoted(action)});
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

    /** A value an honest client would send for {@code field}. */
    static Arbitrary<String> honest(String field) {
        return switch (field) {
            case "action" -> Arbitraries.of(ACTIONS).map(HostileJson::quoted);
            case "room_id" -> Arbitraries.of("r1", "room-2", "00000000-0000-0000-0000-000000000000").map(HostileJson::quoted);
            case "content" -> Arbitraries.strings().ofMaxLength(50).map(HostileJson::quoted);
            case "attachments" -> Arbitraries.of("[]", "[\"/static/uploads/abc.png\"]", "[\"https://example.org/a\"]",
                    "[\"javascript:alert(1)\"]", "[\"https://user@host/\"]");
            case "client_id" -> Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(HostileJson::quoted);
            case "since_seq" -> Arbitraries.oneOf(Arbitraries.longs().between(0, 1000).map(String::valueOf),
                    Arbitraries.longs().between((1L << 53) - 2, (1L << 53) + 2).map(String::valueOf),
                    Arbitraries.longs().greaterOrEqual(0).map(String::valueOf));
            default -> throw new IllegalArgumentException(field);
        };
    }






    /** Whole texts that are no JSON object at all. */
    static Arbitrary<String> notObjects() {
        return Arbitraries.oneOf(HostileJson.values(), Arbitraries.strings().ofMaxLength(200),
                Arbitraries.of("", " ", "\u0000", "\ufeff{}", "{}", "{\"action\"}", "{\"action\":}", "{,}", "{\"action\":\"ping\"}{"));
    }


}
