package io.relaychat.server;

import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The server's warnings and errors while a test runs, read off standard error (where the tests' logback-test.xml
 * writes, its console appender looking the stream up at every line) and still passed through to it: an unhandled
 * exception, a fault the core logged, a request answered 500 and a leak Netty's detector reports each leave such a
 * line.
 */
final class ErrorLog implements AutoCloseable {
    /** logback-test.xml's level comes after the thread's name in brackets: "[thread] ERROR Logger - text". */
    private static final Pattern WARNING_OR_ERROR = Pattern.compile("^\\[[^\\]]*\\] (WARN|ERROR) .*");

    private final PrintStream original = System.err;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ErrorLog() {
        System.setErr(new PrintStream(new LineTee(), true, StandardCharsets.UTF_8));
    }

    /** Starts reading standard error, and checks it sees what the server's loggers write. */
    static ErrorLog capture() {
        ErrorLog log = new ErrorLog();
        LoggerFactory.getLogger(ErrorLog.class).warn("error log capture started");
        if (log.since(0).stream().noneMatch(line -> line.endsWith("error log capture started"))) {
            log.close();
            throw new IllegalStateException("the server's log lines do not reach standard error; nothing would be checked");
        }
        log.lines.clear();
        return log;
    }

    /** How many lines were seen so far: a mark for {@link #since}. */
    int mark() {
        return lines.size();
    }

    /** The warnings and errors logged since {@code mark}. */
    List<String> since(int mark) {
        return List.copyOf(lines.subList(Math.min(mark, lines.size()), lines.size()));
    }

    @Override
    public void close() {
        System.setErr(original);
    }

    private final class LineTee extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            original.write(b);
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                if (WARNING_OR_ERROR.matcher(text).matches()) {
                    lines.add(text);
                }
            } else if (line.size() < 4096) {
                line.write(b);
            }
        }

        @Override
        public void flush() {
            original.flush();
        }
    }
}
