package io.relaychat.domain;

import io.relaychat.ports.in.HistoryQuery;
import io.relaychat.ports.in.LoginCommand;
import io.relaychat.ports.in.RegisterCommand;
import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Reason;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.relaychat.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users who sign in through the identity provider: created at first sight from the claims, then like anyone. */
class IdentityProviderUserRulesTest {
    private final TestCore test = new TestCore();
    private final RelayCore core = test.core;

    private User signIn(String id, String username, String email) {
        return result(core.authenticate().authenticate(
                test.tokens.fromIdentityProvider(new UserId(id), username, email))).orElseThrow();
    }

    @Test
    void aUserSeenForTheFirstTimeIsCreatedFromTheClaimsAndFoundAgainAfter() {
        User kim = signIn("idp:kim-1", "kim", "kim@example.com");

        assertEquals(new UserId("idp:kim-1"), kim.id());
        assertEquals("kim", kim.username());
        assertEquals("kim@example.com", kim.email());
        assertEquals(Optional.of(kim), result(test.users.findById(kim.id())), "stored like any user");
        assertEquals(kim, signIn("idp:kim-1", "kim", "kim@example.com"), "the same user, not a second one");
        assertEquals(List.of(kim), result(core.searchUsers().search(kim.id(), "kim@")).value(), "found by search");
    }

    @Test
    void roomsMembershipAndHistoryWorkForThemAsForALocalUser() {
        User ann = test.register("ann");
        User kim = signIn("idp:kim-1", "kim", "kim@example.com");
        Room room = test.groupRoom(ann, kim);
        TestClient kimOnline = test.connect(kim);
        TestClient annOnline = test.connect(ann);
        kimOnline.join(room);
        annOnline.join(room);

        kimOnline.say(room, "hello from the identity provider");

        annOnline.events().awaitMessages(1);
        assertEquals(List.of("hello from the identity provider"), annOnline.events().contents());
        List<ChatMessage> history = result(core.history().history(new HistoryQuery(ann.id(), room.id(), 50, null, null))).value();
        assertEquals("kim", history.get(0).username());
        assertEquals(kim.id(), history.get(0).userId());
        assertEquals(Optional.of(kim), result(test.users.findByUsername("kim")));
    }

    @Test
    void aUsernameSomeoneElseHasGetsASuffixSoNobodyAppearsAsAnother() {
        User ann = test.register("ann");

        User otherAnn = signIn("idp:ann-2", "ann", "ann2@example.com");
        User thirdAnn = signIn("idp:ann-3", "ann", "ann3@example.com");

        assertTrue(otherAnn.username().matches("ann-[0-9a-f]{6}"), otherAnn.username());
        assertTrue(thirdAnn.username().matches("ann-[0-9a-f]{6}"), thirdAnn.username());
        assertNotEquals(otherAnn.username(), thirdAnn.username());
        assertEquals(Optional.of(ann), result(test.users.findByUsername("ann")), "the name still leads to its owner");
        assertEquals(otherAnn, signIn("idp:ann-2", "ann", "ann2@example.com"), "signs in again as itself");
    }

    @Test
    void anEmailAnotherAccountHasIsNeitherJoinedToItNorTakenFromIt() {
        User ann = test.register("ann");

        User claimant = signIn("idp:mallory", "mallory", "ann@example.com");

        assertNotEquals(ann.id(), claimant.id());
        assertTrue(claimant.email().endsWith("@" + FirstSightUsers.PLACEHOLDER_EMAIL_DOMAIN), claimant.email());
        assertEquals(ann, result(core.login().login(new LoginCommand("ann@example.com", "password-of-ann"))).value().user(),
                "the owner still logs in");
    }

    @Test
    void anAccountOfTheIdentityProvidersCannotLogInByPassword() {
        User kim = signIn("idp:kim-1", "kim", "kim@example.com");

        Outcome<?> byPassword = result(core.login().login(new LoginCommand(kim.email(), "any-password-at-all")));

        assertEquals(Outcome.rejected(Refusal.invalidCredentials()), byPassword);
        assertEquals(Reason.EMAIL_TAKEN, ((Outcome.Rejected<?>) result(core.register().register(
                new RegisterCommand("KIM@example.com", "kim2", "password1")))).refusal().reason(),
                "nor can its email be registered again");
    }

    @Test
    void missingOrMisleadingClaimsStillMakeAUserWithASafeName() {
        User nameless = signIn("idp:1", null, null);
        User fromEmail = signIn("idp:2", null, "lee@example.com");
        User hidden = signIn("idp:3", "ev\u202Eil\u0000", "not-an-email");
        User longName = signIn("idp:4", "x".repeat(100), "x@example.com");

        assertEquals(FirstSightUsers.FALLBACK_USERNAME, nameless.username());
        assertTrue(nameless.email().endsWith("@" + FirstSightUsers.PLACEHOLDER_EMAIL_DOMAIN));
        assertEquals("lee", fromEmail.username());
        assertEquals("evil", hidden.username(), "direction overrides and controls are dropped");
        assertTrue(hidden.email().endsWith("@" + FirstSightUsers.PLACEHOLDER_EMAIL_DOMAIN), "an invalid email is not kept");
        assertEquals("x".repeat(RegisterCommand.MAX_USERNAME_LENGTH), longName.username());
        assertNotEquals(nameless.email(), hidden.email(), "placeholders differ per user");
    }

    @Test
    void theClaimsOfTheFirstSightStick() {
        User kim = signIn("idp:kim-1", "kim", "kim@example.com");

        User later = signIn("idp:kim-1", "kimberly", "kimberly@example.com");

        assertEquals(kim, later);
    }

    @Test
    void aTokenOfTheServersOwnForAUserWhoIsGoneCreatesNobody() {
        String token = test.tokens.issue(new UserId("gone"));

        assertEquals(Optional.empty(), result(core.authenticate().authenticate(token)));
        assertEquals(Optional.empty(), result(test.users.findById(new UserId("gone"))));
    }

    @Test
    void withLocalAccountsOffRegisterAndLoginAreRefusedAndTheIdentityProvidersUsersStillSignIn() {
        TestCore remote = TestCore.withoutLocalAccounts();

        assertEquals(Outcome.rejected(Refusal.localAccountsOff()),
                result(remote.core.register().register(new RegisterCommand("ann@example.com", "ann", "password1"))));
        assertEquals(Outcome.rejected(Refusal.localAccountsOff()),
                result(remote.core.login().login(new LoginCommand("ann@example.com", "password1"))));
        assertEquals(Optional.empty(), result(remote.users.findAccountByEmail("ann@example.com")));
        User kim = result(remote.core.authenticate().authenticate(
                remote.tokens.fromIdentityProvider(new UserId("idp:kim-1"), "kim", "kim@example.com"))).orElseThrow();
        assertEquals("kim", kim.username());
    }
}
