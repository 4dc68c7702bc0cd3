package io.relaychat.domain;

import io.relaychat.ports.in.ClientAddress;
import io.relaychat.ports.in.LoginCommand;
import io.relaychat.ports.in.RegisterCommand;
import io.relaychat.ports.in.SignedIn;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.out.PasswordHasher;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.relaychat.testkit.Await.failure;
import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failed logins and registrations limited per client address, next to the per-email limit. */
class ClientAddressLimitsTest {
    private static final Rate THREE_A_MINUTE = Rate.of(3, Duration.ofMinutes(1));
    private static final ClientAddress MALLORY = address("203.0.113.7");
    private static final ClientAddress ANN_AT_HOME = address("198.51.100.20");

    private static ClientAddress address(String literal) {
        try {
            return ClientAddress.of(InetAddress.getByName(literal)); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static TestCore core(Rate failedLoginsPerAddress, Rate registrationsPerAddress) {
        return new TestCore(Limits.defaults().withRates(Limits.Rates.off()
                .withPerAddress(failedLoginsPerAddress, registrationsPerAddress)));
    }

    private static Outcome<SignedIn> login(TestCore test, String email, String password, ClientAddress from) {
        return result(test.core.login().login(new LoginCommand(email, password, from)));
    }

    private static Outcome<SignedIn> register(TestCore test, String name, ClientAddress from) {
        return result(test.core.register().register(
                new RegisterCommand(name + "@example.com", name, "password-of-" + name, from)));
    }

    private static Reason reasonOf(Outcome<SignedIn> outcome) {
        return outcome instanceof Outcome.Rejected<SignedIn> rejected ? rejected.reason() : null;
    }

    @Test
    void failedLoginsFromOneAddressAcrossManyEmailsRunOutItsAllowanceWhileOtherAddressesStillLogIn() {
        TestCore test = core(THREE_A_MINUTE, Rate.OFF);
        test.register("ann");
        for (int i = 0; i < 3; i++) {
            assertEquals(Reason.INVALID_CREDENTIALS, reasonOf(login(test, "victim" + i + "@example.com", "guess", MALLORY)));
        }

        Outcome<SignedIn> fourth = login(test, "someone-else@example.com", "guess", MALLORY);
        Outcome<SignedIn> rightPasswordFromThere = login(test, "ann@example.com", "password-of-ann", MALLORY);
        Outcome<SignedIn> annFromHome = login(test, "ann@example.com", "password-of-ann", ANN_AT_HOME);

        assertEquals(Outcome.rejected(Refusal.rateLimited(Duration.ofSeconds(20))), fourth, "a fresh email changes nothing");
        assertEquals(Reason.RATE_LIMITED, reasonOf(rightPasswordFromThere), "refused before any hashing");
        assertTrue(annFromHome instanceof Outcome.Accepted<SignedIn>, "another address is not locked out: " + annFromHome);
        test.clock.advance(Duration.ofSeconds(20));
        assertTrue(login(test, "ann@example.com", "password-of-ann", MALLORY) instanceof Outcome.Accepted<SignedIn>);
    }

    @Test
    void anUnknownAddressIsLimitedPerEmailOnly() {
        TestCore test = core(THREE_A_MINUTE, Rate.OFF);

        for (int i = 0; i < 10; i++) {
            assertEquals(Reason.INVALID_CREDENTIALS,
                    reasonOf(login(test, "victim" + i + "@example.com", "guess", ClientAddress.unknown())), "attempt " + i);
        }
        for (int i = 0; i < 3; i++) {
            login(test, "victim" + i + "@example.com", "guess", MALLORY);
        }
        assertEquals(Reason.RATE_LIMITED, reasonOf(login(test, "victim3@example.com", "guess", MALLORY)),
                "the same attempts from a known address are limited");
    }

    @Test
    void whenBothTheEmailAndTheAddressAreSpentTheRefusalNamesTheLongerWait() {
        TestCore test = new TestCore(Limits.defaults().withRates(new Limits.Rates(Rate.OFF, Rate.OFF, Rate.OFF, Rate.OFF,
                Rate.OFF, Rate.OFF, THREE_A_MINUTE, Rate.of(2, Duration.ofMinutes(1)), Rate.OFF)));
        login(test, "ann@example.com", "guess", MALLORY);
        login(test, "ann@example.com", "guess", MALLORY);
        login(test, "ann@example.com", "guess", ANN_AT_HOME);

        assertEquals(Outcome.rejected(Refusal.rateLimited(Duration.ofSeconds(30))),
                login(test, "ann@example.com", "guess", MALLORY), "the address's 30 s, not the email's 20 s");
        assertEquals(Outcome.rejected(Refusal.rateLimited(Duration.ofSeconds(20))),
                login(test, "ann@example.com", "guess", ANN_AT_HOME), "from home, only the email's 20 s");
    }

    @Test
    void addressesOfOneIpv6NetworkShareOneAllowanceAndAnIpv4OneWrittenAsIpv6IsItself() {
        TestCore test = core(Rate.of(2, Duration.ofMinutes(1)), Rate.OFF);
        login(test, "a@example.com", "guess", address("2001:db8:1:2::1"));
        login(test, "b@example.com", "guess", address("2001:db8:1:2:ffff:ffff:ffff:fffe"));
        login(test, "c@example.com", "guess", address("203.0.113.9"));
        login(test, "d@example.com", "guess", address("::ffff:203.0.113.9"));

        assertEquals(Reason.RATE_LIMITED, reasonOf(login(test, "e@example.com", "guess", address("2001:db8:1:2::99"))));
        assertEquals(Reason.RATE_LIMITED, reasonOf(login(test, "e@example.com", "guess", address("203.0.113.9"))));
        assertEquals(Reason.INVALID_CREDENTIALS, reasonOf(login(test, "e@example.com", "guess", address("2001:db8:1:3::1"))),
                "the next /64 is another network");
    }

    @Test
    void registrationsFromOneAddressAreLimitedAndOthersStillRegister() {
        TestCore test = core(Rate.OFF, Rate.of(2, Duration.ofMinutes(1)));
        assertTrue(register(test, "ann", MALLORY) instanceof Outcome.Accepted<SignedIn>);
        assertEquals(Reason.EMAIL_TAKEN, reasonOf(register(test, "ann", MALLORY)), "a taken email counts too");

        assertEquals(Outcome.rejected(Refusal.rateLimited(Duration.ofSeconds(30))), register(test, "bob", MALLORY));
        assertTrue(register(test, "cat", ANN_AT_HOME) instanceof Outcome.Accepted<SignedIn>);
        for (int i = 0; i < 5; i++) {
            assertTrue(register(test, "embedded" + i, ClientAddress.unknown()) instanceof Outcome.Accepted<SignedIn>,
                    "an unknown address is not limited per address");
        }
        test.clock.advance(Duration.ofSeconds(30));
        assertTrue(register(test, "bob", MALLORY) instanceof Outcome.Accepted<SignedIn>);
    }

    @Test
    void aLoginTheHasherWasTooBusyForIsNoFailure() {
        BusyOnce hasher = new BusyOnce();
        TestCore test = new TestCore(Limits.defaults().withRates(Limits.Rates.off()
                .withPerAddress(Rate.of(1, Duration.ofMinutes(1)), Rate.OFF)), hasher);
        test.register("ann");
        hasher.busy.set(true);

        assertInstanceOf(RejectedExecutionException.class,
                failure(test.core.login().login(new LoginCommand("ann@example.com", "guess", MALLORY))));
        assertTrue(login(test, "ann@example.com", "password-of-ann", MALLORY) instanceof Outcome.Accepted<SignedIn>,
                "the refused attempt spent nothing");
        assertEquals(Reason.INVALID_CREDENTIALS, reasonOf(login(test, "ann@example.com", "guess", MALLORY)));
        assertEquals(Reason.RATE_LIMITED, reasonOf(login(test, "ann@example.com", "guess", MALLORY)),
                "a wrong password does spend");
    }

    @Test
    void aDecoyHashTheHasherRefusedIsMadeAgainNotKeptFailing() {
        BusyOnce hasher = new BusyOnce();
        TestCore test = new TestCore(Limits.defaults(), hasher);
        hasher.busy.set(true);

        assertInstanceOf(RejectedExecutionException.class,
                failure(test.core.login().login(new LoginCommand("nobody@example.com", "guess"))));
        assertEquals(Reason.INVALID_CREDENTIALS, reasonOf(login(test, "nobody@example.com", "guess", MALLORY)),
                "once the hasher has room again, an unknown email is answered like a wrong password");
    }

    /** The quick hasher, but refusing its next piece of work when told to, as a full pool does. */
    private static final class BusyOnce implements PasswordHasher {
        final AtomicBoolean busy = new AtomicBoolean();
        private final PasswordHasher quick = new TestDoubles.QuickHasher();

        @Override
        public CompletionStage<String> hash(String password) {
            return busy.getAndSet(false) ? CompletableFuture.failedFuture(new RejectedExecutionException("busy"))
                    : quick.hash(password);
        }

        @Override
        public CompletionStage<Boolean> matches(String password, String hash) {
            return busy.getAndSet(false) ? CompletableFuture.failedFuture(new RejectedExecutionException("busy"))
                    : quick.matches(password, hash);
        }
    }
}
