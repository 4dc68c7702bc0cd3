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
        test.register("bob");

        assertEquals(List.of(), result(core.searchUsers().search("a")));
        List<String> found = result(core.searchUsers().search("ANN")).stream().map(User::username).sorted().toList();
        assertEquals(List.of("anna", "hannah"), found);
        assertFalse(result(core.searchUsers().search("example.com")).isEmpty());
    }
}
