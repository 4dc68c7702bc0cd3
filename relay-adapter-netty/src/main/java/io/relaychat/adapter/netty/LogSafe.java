package io.relaychat.adapter.netty;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the transport logs of an error it did not expect. Such an error's message can carry whatever the client
 * sent (a URI with {@code ?token=}, a header, a body), so before a throwable reaches a log line its messages,
 * and its causes', are stripped of anything shaped like a credential; the stack traces stay as they were.
 */
final class LogSafe {
    static final String REDACTED = "<redacted>";
    private static final int MAX_CAUSES = 8;
    /** Each alternative keeps its lead-in (group 1) and drops the secret after it. */
    private static final Pattern SECRET = Pattern.compile("(?i)"
            + "((?:access_)?token=)[^&\\s\"'<>]*"
            + "|(bearer\\s+)[^\\s\"'<>]+"
            + "|(\"(?:password|access_token|token)\"\\s*:\\s*\")[^\"]*"
            + "|((?:authorization|cookie|set-cookie)\\s*[:=]\\s*)[^\\r\\n,}]*");

    private LogSafe() {
    }

    /** {@code text} with every credential-shaped part replaced. */
    static String text(String text) {
        if (text == null) {
            return null;
        }
        Matcher matcher = SECRET.matcher(text);
        if (!matcher.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        do {
            String leadIn = matcher.group(1) != null ? matcher.group(1) : matcher.group(2) != null ? matcher.group(2)
                    : matcher.group(3) != null ? matcher.group(3) : matcher.group(4);
            matcher.appendReplacement(out, Matcher.quoteReplacement(leadIn + REDACTED));
        } while (matcher.find());
        matcher.appendTail(out);
        return out.toString();
    }

    /** A stand-in for {@code error} to log: the same class names and stack traces, its messages redacted. */
    static Throwable error(Throwable error) {
        return copy(error, 0);
    }

    private static Throwable copy(Throwable error, int depth) {
        if (error == null) {
            return null;
        }
        Throwable cause = depth < MAX_CAUSES && error.getCause() != error ? copy(error.getCause(), depth + 1) : null;
        Redacted copy = new Redacted(error.getClass().getName(), text(error.getMessage()), cause);
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }

    /** Prints as the original would ({@code class: message}), so log lines read the same. */
    private static final class Redacted extends RuntimeException {
        private final String className;

        Redacted(String className, String message, Throwable cause) {
            super(message, cause, false, true);
            this.className = className;
        }

        @Override
        public String toString() {
            return getMessage() == null ? className : className + ": " + getMessage();
        }
    }
}
