package io.relaychat.adapter.netty;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The HTTP status of every reason, as docs/protocol.md lists them, and what a refusal adds to its answer. */
class RestErrorsTest {

    @Test
    void everyReasonHasTheStatusTheProtocolDocuments() {
        Map<Reason, Integer> documented = new EnumMap<>(Reason.class);
        documented.put(Reason.INVALID_JSON, 422);
        documented.put(Reason.UNKNOWN_ACTION, 422);
        documented.put(Reason.UNSUPPORTED_FRAME, 422);
        documented.put(Reason.INVALID_FIELD, 422);
        documented.put(Reason.CONTENT_TOO_LONG, 422);
        documented.put(Reason.MALFORMED_REQUEST, 400);
        documented.put(Reason.EMAIL_TAKEN, 400);
        documented.put(Reason.SELF_DIRECT_MESSAGE, 400);
        documented.put(Reason.UNAUTHENTICATED, 401);
        documented.put(Reason.INVALID_CREDENTIALS, 401);
        documented.put(Reason.NOT_MEMBER, 403);
        documented.put(Reason.ACCESS_DENIED, 403);
        documented.put(Reason.LOCAL_ACCOUNTS_OFF, 403);
        documented.put(Reason.NOT_JOINED, 403);
        documented.put(Reason.NOT_FOUND, 404);
        documented.put(Reason.METHOD_NOT_ALLOWED, 405);
        documented.put(Reason.PAYLOAD_TOO_LARGE, 413);
        documented.put(Reason.FRAME_TOO_LARGE, 413);
        documented.put(Reason.RATE_LIMITED, 429);
        documented.put(Reason.TOO_MANY_CONNECTIONS, 429);
        documented.put(Reason.TOO_MANY_ROOMS, 429);
        documented.put(Reason.SERVER_BUSY, 503);
        documented.put(Reason.STORAGE_UNAVAILABLE, 503);
        documented.put(Reason.INTERNAL_ERROR, 500);

        for (Reason reason : Reason.values()) {
            HttpResponseStatus status = RestErrors.status(reason);
            assertEquals(documented.get(reason), status.code(), reason.code());
        }
    }

    @Test
    void aRefusalThatSaysWhenToRetryAnswersRetryAfterInWholeSecondsRoundedUpAndInTheBody() {
        for (Map.Entry<Duration, String> wait : Map.of(Duration.ofMillis(1500), "2", Duration.ofSeconds(3), "3",
                Duration.ofMillis(1), "1", Duration.ZERO, "0").entrySet()) {
            FullHttpResponse response = RestErrors.refused(Refusal.rateLimited(wait.getKey())).toHttp(HttpVersion.HTTP_1_1);
            try {
                assertEquals(429, response.status().code());
                assertEquals(wait.getValue(), response.headers().get(HttpHeaderNames.RETRY_AFTER), wait.getKey().toString());
                assertEquals("{\"detail\":\"Rate limit exceeded\",\"code\":\"rate_limited\",\"retry_after_ms\":"
                        + wait.getKey().toMillis() + "}", response.content().toString(StandardCharsets.UTF_8));
            } finally {
                response.release();
            }
        }
    }

    @Test
    void aRefusalWithoutAWaitHasNoRetryAfter() {
        FullHttpResponse response = RestErrors.refused(Refusal.notMember()).toHttp(HttpVersion.HTTP_1_1);
        try {
            assertNull(response.headers().get(HttpHeaderNames.RETRY_AFTER));
        } finally {
            response.release();
        }
    }

    @Test
    void onlyAMissingOrBadTokenChallengesForABearerToken() {
        for (Reason reason : Reason.values()) {
            FullHttpResponse response = RestErrors.refused(new Refusal(reason, "x")).toHttp(HttpVersion.HTTP_1_1);
            try {
                assertEquals(reason == Reason.UNAUTHENTICATED ? "Bearer" : null,
                        response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE), reason.code());
            } finally {
                response.release();
            }
        }
    }
}
