package io.relaychat.adapter.mongo;

/** Search text is matched literally: every character MongoDB's regex engine treats specially is escaped. */
final class Regex {
    private static final String SPECIAL = "\\^$.|?*+()[]{}";

    private Regex() {
    }

    static String literal(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (SPECIAL.indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
