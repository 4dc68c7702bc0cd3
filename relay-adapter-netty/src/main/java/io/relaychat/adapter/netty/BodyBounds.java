package io.relaychat.adapter.netty;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The largest body of each kind of route: the upload's, a JSON route's (every other POST, PUT and PATCH), and
 * the small one of everything else. Which kind a request is, is decided on the path the router routes by
 * ({@link RestApi#isUpload}), so the bound and the route can never disagree.
 *
 * @param other 0 is not "no bound" but "as {@code json}": every body is bounded
 */
record BodyBounds(int json, int upload, int other) {

    int of(HttpRequest head) {
        if (RestApi.isUpload(head)) {
            return upload;
        }
        HttpMethod method = head.method();
        if (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.PATCH)) {
            return json;
        }
        return other == 0 ? json : other;
    }
}
