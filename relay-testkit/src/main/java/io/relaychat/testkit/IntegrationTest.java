package io.relaychat.testkit;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that runs real parts outside its own JVM thread pool: a redis-server process, the
 * in-process MongoDB-compatible server over the wire, a server on a socket, a child JVM. The build runs
 * these apart from (and after) the unit tests; both run in {@code mvn verify}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(IntegrationTest.TAG)
public @interface IntegrationTest {
    String TAG = "integration";
}
