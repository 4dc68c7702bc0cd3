package io.relaychat.client;

import java.time.Duration;

/**
 * A client's timings and bounds, as its builder set them.
 *
 * @param connectTimeout  a WebSocket or HTTP connection that takes longer counts as failed
 * @param requestTimeout  a REST call unanswered this long fails
 * @param pingInterval    silent this long, the server is pinged; silent twice as long, the connection is given up
 * @param gapTimeout      how long a missing seq may stay missing before history is asked for it (well above the
 *                        server's own gap timeout, so that history is asked only for what the server gave up on)
 * @param closeTimeout    how long a close waits for the server's close frame
 * @param stableAfter     a WebSocket open this long before it ended resets the backoff: the next attempt is quick
 * @param maxFrameBytes   the server's frame limit: a bigger send would close the connection, so it is refused here
 * @param maxHeldPerRoom  messages held per room while an earlier one is missing
 */
record Settings(Duration connectTimeout, Duration requestTimeout, Duration pingInterval, Duration gapTimeout,
                Duration closeTimeout, Duration stableAfter, int maxFrameBytes, int maxHeldPerRoom) {
}
