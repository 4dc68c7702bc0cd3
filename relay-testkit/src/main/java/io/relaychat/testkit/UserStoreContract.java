package io.relaychat.testkit;

import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.UserStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.anAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link UserStore} must do: an account is found by id, email (in any letter case) and exact
 * username; one email registers once, also when registrations race; unknown users are not found; search
 * matches username or email literally, ignoring case, up to its limit. Extend it with a fresh, empty store
 * per test.
 */
public abstract class UserStoreContract {
    protected UserStore store;

    protected abstract UserStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    @Test
    void storedAccountIsFoundByIdEmailAndUsername() {
        UserAccount alice = anAccount("alice@example.com", "alice");
        assertTrue(result(store.insertIfEmailFree(alice)));

        assertEquals(alice.user(), result(store.findById(alice.user().id())).orElseThrow());
        assertEquals(alice, result(store.findAccountByEmail("alice@example.com")).orElseThrow());
        assertEquals(alice.user(), result(store.findByUsername("alice")).orElseThrow());
    }

    @Test
    void emailsCompareIgnoringCase() {
        assertTrue(result(store.insertIfEmailFree(anAccount("Alice@Example.com", "alice"))));

        assertFalse(result(store.insertIfEmailFree(anAccount("alice@EXAMPLE.COM", "other"))));
        assertTrue(result(store.findAccountByEmail("ALICE@example.com")).isPresent());
    }

    @Test
    void concurrentRegistrationsOfOneEmailStoreExactlyOne() {
        List<CompletableFuture<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            UserAccount account = anAccount("race@example.com", "racer" + i);
            attempts.add(CompletableFuture.supplyAsync(() -> store.insertIfEmailFree(account))
                    .thenCompose(CompletionStage::toCompletableFuture));
        }
        long stored = attempts.stream().filter(attempt -> result(attempt)).count();
        assertEquals(1, stored);
    }

    @Test
    void unknownUsersAreNotFound() {
        assertTrue(result(store.findById(new UserId("nobody"))).isEmpty());
        assertTrue(result(store.findAccountByEmail("nobody@example.com")).isEmpty());
        assertTrue(result(store.findByUsername("nobody")).isEmpty());
    }

    @Test
    void usernameLookupIsExact() {
        result(store.insertIfEmailFree(anAccount("bob@example.com", "bob")));

        assertTrue(result(store.findByUsername("Bob")).isEmpty());
        assertTrue(result(store.findByUsername("bo")).isEmpty());
    }

    @Test
    void searchMatchesUsernameOrEmailIgnoringCase() {
        result(store.insertIfEmailFree(anAccount("carol@example.com", "Carol")));
        result(store.insertIfEmailFree(anAccount("dave@CAROLINA.org", "dave")));
        result(store.insertIfEmailFree(anAccount("erin@example.com", "erin")));

        List<String> found = result(store.search("carol", 20)).stream().map(User::username).sorted().toList();

        assertEquals(List.of("Carol", "dave"), found);
    }

    @Test
    void searchTreatsTextAsLiteralNotAsPattern() {
        result(store.insertIfEmailFree(anAccount("a.b@example.com", "dotted")));
        result(store.insertIfEmailFree(anAccount("axb@example.com", "plain")));
        result(store.insertIfEmailFree(anAccount("star@example.com", "st*r")));

        assertEquals(List.of("dotted"), result(store.search("a.b", 20)).stream().map(User::username).toList());
        assertEquals(List.of("st*r"), result(store.search("t*r", 20)).stream().map(User::username).toList());
        assertEquals(List.of(), result(store.search(".*", 20)));
        assertEquals(List.of(), result(store.search("(", 20)));
    }

    @Test
    void searchStopsAtTheLimit() {
        for (int i = 0; i < 30; i++) {
            result(store.insertIfEmailFree(anAccount("member" + i + "@example.com", "member" + i)));
        }
        assertEquals(20, result(store.search("member", 20)).size());
    }
}
