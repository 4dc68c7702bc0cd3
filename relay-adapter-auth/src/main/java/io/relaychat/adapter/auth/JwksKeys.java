package io.relaychat.adapter.auth;

import com.auth0.jwk.Jwk;
import com.auth0.jwk.JwkException;
import com.auth0.jwk.UrlJwkProvider;
import com.auth0.jwt.algorithms.Algorithm;
import io.relaychat.ports.model.StorageUnavailableException;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The identity provider's keys from its JWKS, fetched on a thread of their own and held by {@code kid}. A token
 * whose key is held is checked at once; one naming a key not held, or coming once the keys held are older than
 * {@link JwksSettings#keepKeys()}, fetches the whole set again (that is how a rotation is seen: a key that left the
 * set is gone with the next fetch). Fetches are one at a time, shared by every token waiting, and at least
 * {@link JwksSettings#minInterval()} apart: within it, an unknown {@code kid} is answered from what is held, and a
 * failed fetch is answered with the same failure, so neither garbage tokens nor an outage make the server hammer
 * the provider.
 */
final class JwksKeys implements SigningKeys {
    /** A fetched set: keys by kid, and the one key a token without a kid may use when the set holds only that. */
    private record KeySet(Map<String, Algorithm> byKid, Optional<Algorithm> onlyKey, Instant fetchedAt) {
        Optional<Algorithm> find(String kid) {
            return kid == null ? onlyKey : Optional.ofNullable(byKid.get(kid));
        }
    }

    private final JwksSettings settings;
    private final Supplier<List<Jwk>> source;
    private final Clock clock;
    private final ExecutorService fetcher;

    // Guarded by this.
    private KeySet held;
    private CompletableFuture<KeySet> fetching;
    private Instant lastFetchStarted;
    private StorageUnavailableException lastFailure;

    JwksKeys(JwksSettings settings, Clock clock) {
        this(settings, clock, fromUrl(settings));
    }

    JwksKeys(JwksSettings settings, Clock clock, Supplier<List<Jwk>> source) {
        this.settings = settings;
        this.clock = clock;
        this.source = source;
        this.fetcher = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "relay-jwks");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** jwks-rsa fetches and parses the set; its own caching and rate limit are not used, since both are done here. */
    private static Supplier<List<Jwk>> fromUrl(JwksSettings settings) {
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        UrlJwkProvider provider = new UrlJwkProvider(settings.url(), timeoutMillis, timeoutMillis);
        return () -> {
            try {
                return provider.getAll();
            } catch (JwkException e) {
                throw new StorageUnavailableException("the identity provider's keys could not be fetched from "
                        + settings.url() + ": " + e.getMessage(), e);
            }
        };
    }

    @Override
    public synchronized Optional<Algorithm> held(String kid) {
        if (held == null || !clock.instant().isBefore(held.fetchedAt().plus(settings.keepKeys()))) {
            return Optional.empty();
        }
        return held.find(kid);
    }

    @Override
    public synchronized CompletionStage<Optional<Algorithm>> lookUp(String kid) {
        if (fetching != null && !fetching.isDone()) {
            return fetching.thenApply(set -> set.find(kid));
        }
        Instant now = clock.instant();
        if (lastFetchStarted != null && now.isBefore(lastFetchStarted.plus(settings.minInterval()))) {
            return lastFailure != null ? CompletableFuture.failedFuture(lastFailure)
                    : CompletableFuture.completedFuture(held(kid));
        }
        lastFetchStarted = now;
        CompletableFuture<KeySet> fetch;
        try {
            fetch = CompletableFuture.supplyAsync(this::fetch, fetcher);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.failedFuture(new StorageUnavailableException("the identity provider's keys are "
                    + "no longer fetched: the server is stopping", closed));
        }
        // Connecting and each read are bounded by the timeout; this bounds a provider that trickles its answer.
        fetching = fetch.orTimeout(settings.timeout().toMillis() * 3, TimeUnit.MILLISECONDS).handle(this::settle);
        return fetching.thenApply(set -> set.find(kid));
    }

    /** Every failure is the provider's keys being unavailable: the token could not be checked, not found wrong. */
    private synchronized KeySet settle(KeySet set, Throwable error) {
        if (error == null) {
            held = set;
            lastFailure = null;
            return set;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        lastFailure = cause instanceof StorageUnavailableException unavailable ? unavailable
                : new StorageUnavailableException("the identity provider's keys could not be fetched from "
                + settings.url() + ": " + (cause instanceof TimeoutException ? "no answer in time" : cause.toString()), cause);
        throw lastFailure;
    }

    /**
     * Keys for signing only, of a kind and curve {@link SigningAlgorithms} takes, and whose {@code alg}, when the
     * set says one, is the algorithm the key verifies with; any other key in the set is left out.
     */
    private KeySet fetch() {
        List<Jwk> jwks = source.get();
        Map<String, Algorithm> byKid = new HashMap<>();
        Algorithm last = null;
        int usable = 0;
        for (Jwk jwk : jwks) {
            if (jwk.getUsage() != null && !"sig".equals(jwk.getUsage())) {
                continue;
            }
            Optional<Algorithm> algorithm;
            try {
                PublicKey key = jwk.getPublicKey();
                algorithm = SigningAlgorithms.forKey(key);
            } catch (JwkException | RuntimeException malformed) {
                continue;
            }
            if (algorithm.isEmpty() || jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(algorithm.get().getName())) {
                continue;
            }
            usable++;
            last = algorithm.get();
            if (jwk.getId() != null) {
                byKid.put(jwk.getId(), last);
            }
        }
        return new KeySet(Map.copyOf(byKid), usable == 1 ? Optional.of(last) : Optional.empty(), clock.instant());
    }

    @Override
    public void close() {
        fetcher.shutdownNow();
    }
}
