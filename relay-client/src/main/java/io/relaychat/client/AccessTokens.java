package io.relaychat.client;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The client's current sign-in, shared by its REST calls and its WebSocket: one sign-in at a time however many ask,
 * and another only once the token in use is refused. A registration is made once; every sign-in after it logs in.
 * Thread-safe.
 */
final class AccessTokens {
    private final Credentials credentials;
    private final Function<Credentials, CompletableFuture<SignedIn>> signIn;
    /** Guarded by this. */
    private CompletableFuture<SignedIn> current;
    /** Guarded by this: a Registration that worked; later sign-ins log in. */
    private boolean registered;

    AccessTokens(Credentials credentials, Function<Credentials, CompletableFuture<SignedIn>> signIn) {
        this.credentials = credentials;
        this.signIn = signIn;
    }

    /** The sign-in in use, or a new one if there is none or the last one failed. */
    synchronized CompletableFuture<SignedIn> current() {
        if (current == null || current.isCompletedExceptionally()) {
            Credentials using = credentials;
            if (registered && credentials instanceof Credentials.Registration registration) {
                using = Credentials.password(registration.email(), registration.password());
            }
            CompletableFuture<SignedIn> attempt = signIn.apply(using);
            current = attempt;
            if (credentials instanceof Credentials.Registration) {
                attempt.thenRun(this::markRegistered);
            }
        }
        return current;
    }

    private synchronized void markRegistered() {
        registered = true;
    }

    /** Whether a refused token can be replaced: not when the credentials are that token. */
    boolean canSignInAgain() {
        return !(credentials instanceof Credentials.Token);
    }

    /**
     * {@code token} was refused: the next {@link #current()} signs in again, unless a newer sign-in already took its
     * place (another caller saw the refusal first).
     */
    synchronized void refused(String token) {
        if (!canSignInAgain() || current == null || !current.isDone() || current.isCompletedExceptionally()) {
            return;
        }
        if (current.join().accessToken().equals(token)) {
            current = null;
        }
    }
}
