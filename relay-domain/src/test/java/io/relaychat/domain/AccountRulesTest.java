package io.relaychat.domain;

import io.relaychat.ports.in.LoginCommand;
import io.relaychat.ports.in.RegisterCommand;
import io.relaychat.ports.in.SignedIn;
import io.relaychat.ports.model.InvalidCommandException;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.User;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccountRulesTest {
    private final TestCore test = new TestCore();
    private final RelayCore core = test.core;

    @Test
    void registeringSignsTheUserIn() {
        SignedIn signedIn = result(core.register().register(new RegisterCommand("Ann@Example.com", "ann", "password1"))).value();

        assertEquals("Ann@Example.com", signedIn.user().email());
        assertEquals("ann", signedIn.user().username());
        assertEquals(signedIn.user(), result(core.authenticate().authenticate(signedIn.accessToken())).orElseThrow());
    }

    @Test
    void anEmailIsRegisteredOnceWhateverItsCase() {
        result(core.register().register(new RegisterCommand("ann@example.com", "ann", "password1")));

        Outcome<SignedIn> again = result(core.register().register(new RegisterCommand("ANN@example.COM", "ann2", "password2")));

        assertEquals(Outcome.rejected(new Refusal(Reason.EMAIL_TAKEN, "Email already registered")), again);
    }

    @Test
    void loginWithTheRightPasswordSignsIn() {
        User ann = test.register("ann");

        Outcome<SignedIn> outcome = result(core.login().login(new LoginCommand("ANN@example.com", "password-of-ann")));

        assertEquals(ann, outcome.value().user());
    }

    @Test
    void aWrongPasswordAndAnUnknownEmailGetTheSameAnswer() {
        test.register("ann");
        Outcome<SignedIn> wrongPassword = result(core.login().login(new LoginCommand("ann@example.com", "nope-nope")));
        Outcome<SignedIn> unknownEmail = result(core.login().login(new LoginCommand("who@example.com", "password-of-ann")));

        Outcome<SignedIn> expected = Outcome.rejected(new Refusal(Reason.INVALID_CREDENTIALS, "Incorrect email or password"));
        assertEquals(expected, wrongPassword);
        assertEquals(expected, unknownEmail);
    }

    @Test
    void unknownOrMissingTokensAuthenticateNobody() {
        assertTrue(result(core.authenticate().authenticate("forged")).isEmpty());
        assertTrue(result(core.authenticate().authenticate(null)).isEmpty());
        assertTrue(result(core.authenticate().authenticate("  ")).isEmpty());
    }

    @Test
    void registrationInputIsValidatedField() {
        assertEquals("email", assertThrows(InvalidCommandException.class,
                () -> new RegisterCommand("not-an-email", "ann", "password1")).field());
        assertEquals("username", assertThrows(InvalidCommandException.class,
                () -> new RegisterCommand("a@b.co", " ", "password1")).field());
        assertEquals("password", assertThrows(InvalidCommandException.class,
                () -> new RegisterCommand("a@b.co", "ann", "short")).field());
    }

    @Test
    void passwordsLongerThanBcryptReadsAreRefused() {
        new RegisterCommand("a@b.co", "ann", "x".repeat(72));
        assertThrows(InvalidCommandException.class, () -> new RegisterCommand("a@b.co", "ann", "x".repeat(73)));
        // 36 two-byte characters are 72 bytes; 37 are 74, though only 37 characters long.
        new RegisterCommand("a@b.co", "ann", "é".repeat(36));
        assertThrows(InvalidCommandException.class, () -> new RegisterCommand("a@b.co", "ann", "é".repeat(37)));
    }

    @Test
    void searchNeedsTwoCharactersAndFindsUsernamesAndEmails() {
        test.register("anna");
        test.register("hannah");
        User bob = test.register("bob");

        assertEquals(List.of(), result(core.searchUsers().search(bob.id(), "a")).value());
        List<String> found = result(core.searchUsers().search(bob.id(), "ANN")).value().stream().map(User::username).sorted().toList();
        assertEquals(List.of("anna", "hannah"), found);
        assertFalse(result(core.searchUsers().search(bob.id(), "example.com")).value().isEmpty());
    }

    @Test
    void searchesOverTheUsersRateAreRefusedSayingWhenToTryAgain() {
        TestCore limited = new TestCore(Limits.defaults().withRates(new Limits.Rates(Rate.OFF, Rate.OFF, Rate.OFF,
                Rate.OFF, new Rate(1, 2), Rate.OFF, Rate.OFF)));
        User dan = limited.register("dan");
        limited.core.searchUsers().search(dan.id(), "da");
        limited.core.searchUsers().search(dan.id(), "da");

        assertEquals(Outcome.rejected(Refusal.rateLimited(java.time.Duration.ofSeconds(1))),
                result(limited.core.searchUsers().search(dan.id(), "da")));
    }

    @Test
    void failedLoginsForOneEmailOverItsRateAreRefusedBeforeAnyHashingAndOtherAccountsStillLogIn() {
        TestCore limited = new TestCore(Limits.defaults().withRates(new Limits.Rates(Rate.OFF, Rate.OFF, Rate.OFF,
                Rate.OFF, Rate.OFF, Rate.OFF, Rate.of(3, java.time.Duration.ofMinutes(1)))));
        limited.register("dan");
        limited.register("eve");
        for (int i = 0; i < 3; i++) {
            assertEquals(Reason.INVALID_CREDENTIALS, rejectionOf(limited.core.login().login(
                    new LoginCommand("dan@example.com", "wrong-" + i))));
        }

        Outcome<SignedIn> fourth = result(limited.core.login().login(new LoginCommand("DAN@example.com", "password-of-dan")));
        Outcome<SignedIn> eve = result(limited.core.login().login(new LoginCommand("eve@example.com", "password-of-eve")));

        assertEquals(Outcome.rejected(Refusal.rateLimited(java.time.Duration.ofSeconds(20))), fourth,
                "even the right password waits, in any letter case of the email");
        assertTrue(eve instanceof Outcome.Accepted<SignedIn>, "another account is not locked out: " + eve);
        limited.clock.advance(java.time.Duration.ofSeconds(20));
        assertTrue(result(limited.core.login().login(new LoginCommand("dan@example.com", "password-of-dan")))
                instanceof Outcome.Accepted<SignedIn>);
    }

    @Test
    void successfulLoginsCostNothingFromTheAllowance() {
        TestCore limited = new TestCore(Limits.defaults().withRates(new Limits.Rates(Rate.OFF, Rate.OFF, Rate.OFF,
                Rate.OFF, Rate.OFF, Rate.OFF, Rate.of(2, java.time.Duration.ofMinutes(1)))));
        limited.register("dan");

        for (int i = 0; i < 10; i++) {
            assertTrue(result(limited.core.login().login(new LoginCommand("dan@example.com", "password-of-dan")))
                    instanceof Outcome.Accepted<SignedIn>, "login " + i);
        }
    }

    private static Reason rejectionOf(java.util.concurrent.CompletionStage<Outcome<SignedIn>> stage) {
        return ((Outcome.Rejected<SignedIn>) result(stage)).reason();
    }
}
