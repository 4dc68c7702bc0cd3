package io.relaychat.server;

import io.relaychat.server.Api.Response;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Failed logins and registrations limited per client address, over real HTTP from 127.0.0.1; the address is
 * the socket's, or, from a proxy the server is told to trust, the one its X-Forwarded-For names.
 */
@IntegrationTest
class ClientAddressLimitsTest {

    private static Response login(Api api, String email, String password, String forwardedFor) {
        HttpRequest.Builder request = api.request("/api/auth/login", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Api.write(Map.of("email", email, "password", password))));
        return api.send(forwardedFor == null ? request : request.header("X-Forwarded-For", forwardedFor));
    }

    private static Response register(Api api, String name) {
        return api.post("/api/auth/register",
                Map.of("email", name + "@example.com", "username", name, "password", "password-of-" + name), null);
    }

    private static void assertRateLimited(Response response, String retryAfter) {
        assertEquals(429, response.status(), response.body().toString());
        assertEquals("rate_limited", response.code());
        assertEquals(retryAfter, response.header("Retry-After"));
    }

    @Test
    void failedLoginsForManyEmailsFromOneAddressAreRefusedOnceItsAllowanceIsSpent() {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", "3"))) {
            Api api = new Api(server);
            Api.Account ann = api.register("ann");
            for (int i = 0; i < 3; i++) {
                assertEquals(401, login(api, "victim" + i + "@example.com", "guess", null).status(), "attempt " + i);
            }

            assertRateLimited(login(api, "victim3@example.com", "guess", null), "20");
            assertRateLimited(login(api, ann.email(), "password-of-ann", null), "20");
        }
    }

    @Test
    void registrationsFromOneAddressPastTheirRateAreRefused() {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_REGISTER_RATE_PER_MINUTE", "2"))) {
            Api api = new Api(server);
            assertEquals(200, register(api, "ann").status());
            assertEquals(200, register(api, "bob").status());

            assertRateLimited(register(api, "cat"), "30");
        }
    }

    @Test
    void anXForwardedForFromAPeerThatIsNoTrustedProxyIsIgnored() {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", "2"))) {
            Api api = new Api(server);
            assertEquals(401, login(api, "a@example.com", "guess", "198.51.100.1").status());
            assertEquals(401, login(api, "b@example.com", "guess", "198.51.100.2").status());

            assertRateLimited(login(api, "c@example.com", "guess", "198.51.100.3"), "30");
        }
    }

    @Test
    void anXForwardedForFromATrustedProxyNamesTheClient() {
        try (RunningServer server = RunningServer.start(Map.of("RELAY_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", "2",
                "RELAY_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"))) {
            Api api = new Api(server);
            Api.Account ann = api.register("ann");
            assertEquals(401, login(api, "a@example.com", "guess", "198.51.100.1").status());
            assertEquals(401, login(api, "b@example.com", "guess", "198.51.100.1, 10.0.0.5").status());

            assertRateLimited(login(api, "c@example.com", "guess", "198.51.100.1"), "30");
            assertRateLimited(login(api, "c@example.com", "guess", "198.51.100.2, 198.51.100.1"), "30");
            assertEquals(200, login(api, ann.email(), "password-of-ann", "198.51.100.2").status(),
                    "another client behind the same proxy still logs in");
            assertEquals(401, login(api, "d@example.com", "guess", null).status(), "the proxy itself is a client too");
        }
    }
}
