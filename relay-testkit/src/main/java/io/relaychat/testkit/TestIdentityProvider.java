package io.relaychat.testkit;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * An identity provider for tests: keys it generates (RSA 2048 for RS256, EC P-256 for ES256), tokens it signs with
 * them, and its JWKS served on loopback by a real HTTP server, whose keys a test can rotate, or make the server
 * answer an error or never answer at all. It counts the fetches, so a test can see what reached the provider.
 */
public final class TestIdentityProvider implements AutoCloseable {
    public static final String ISSUER = "https://login.example.test/realms/relay";
    public static final String AUDIENCE = "relaychat";
    private static final String PATH = "/protocol/openid-connect/certs";

    /** A key of the provider's: its {@code kid}, the pair, and the algorithm it signs with. */
    public record SigningKey(String kid, KeyPair pair, String alg) {
        public Algorithm algorithm() {
            return pair.getPrivate() instanceof RSAPrivateKey rsa ? Algorithm.RSA256(null, rsa)
                    : Algorithm.ECDSA256(null, (ECPrivateKey) pair.getPrivate());
        }

        public PublicKey publicKey() {
            return pair.getPublic();
        }
    }

    private enum Mode { SERVE, FAIL, HANG }

    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile String jwks = "{\"keys\":[]}";
    private volatile Mode mode = Mode.SERVE;

    private TestIdentityProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(PATH, exchange -> {
            fetches.incrementAndGet();
            try {
                if (mode == Mode.HANG) {
                    closed.await(30, TimeUnit.SECONDS);
                    return;
                }
                byte[] body = (mode == Mode.FAIL ? "{\"error\":\"down\"}" : jwks).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(mode == Mode.FAIL ? 503 : 200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        // Its own threads, so that a hanging answer does not hold up the next request.
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "test-identity-provider");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** A provider serving a JWKS of {@code keys}. */
    public static TestIdentityProvider serving(SigningKey... keys) {
        TestIdentityProvider provider = new TestIdentityProvider();
        provider.publish(keys);
        return provider;
    }

    public static SigningKey rsaKey(String kid) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new SigningKey(kid, generator.generateKeyPair(), "RS256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SigningKey ecKey(String kid) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return new SigningKey(kid, generator.generateKeyPair(), "ES256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** From now on the JWKS holds exactly these keys: a rotation adds one, retiring a key leaves it out. */
    public void publish(SigningKey... keys) {
        jwks = Arrays.stream(keys).map(TestIdentityProvider::jwk).collect(Collectors.joining(",", "{\"keys\":[", "]}"));
        mode = Mode.SERVE;
    }

    /** From now on the JWKS is answered 503. */
    public void fail() {
        mode = Mode.FAIL;
    }

    /** From now on a JWKS request is taken and never answered (until {@link #close()}). */
    public void hang() {
        mode = Mode.HANG;
    }

    /** JWKS requests received so far. */
    public int fetches() {
        return fetches.get();
    }

    public URL jwksUrl() {
        try {
            return new URL("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims of a good token for {@code subject}, from now for an hour; a test changes what it is about. */
    public static JWTCreator.Builder claims(String subject, Instant now) {
        return JWT.create().withIssuer(ISSUER).withAudience(AUDIENCE).withSubject(subject)
                .withIssuedAt(now).withExpiresAt(now.plus(Duration.ofHours(1)));
    }

    /** Signed by {@code key}, with its {@code kid} in the header. */
    public static String sign(JWTCreator.Builder claims, SigningKey key) {
        return claims.withKeyId(key.kid()).sign(key.algorithm());
    }

    /** The key as a PEM {@code PUBLIC KEY} file holds it. */
    public static String pem(PublicKey key) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
    }

    private static String jwk(SigningKey key) {
        if (key.publicKey() instanceof RSAPublicKey rsa) {
            return json(List.of("kty", "RSA", "kid", key.kid(), "use", "sig", "alg", key.alg(),
                    "n", base64Url(rsa.getModulus(), 0), "e", base64Url(rsa.getPublicExponent(), 0)));
        }
        ECPublicKey ec = (ECPublicKey) key.publicKey();
        return json(List.of("kty", "EC", "crv", "P-256", "kid", key.kid(), "use", "sig", "alg", key.alg(),
                "x", base64Url(ec.getW().getAffineX(), 32), "y", base64Url(ec.getW().getAffineY(), 32)));
    }

    private static String json(List<String> pairs) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < pairs.size(); i += 2) {
            json.append(i == 0 ? "" : ",").append('"').append(pairs.get(i)).append("\":\"").append(pairs.get(i + 1)).append('"');
        }
        return json.append('}').toString();
    }

    /** Unsigned big-endian, left-padded to {@code length} bytes when that is not 0, as JWK writes numbers. */
    private static String base64Url(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (length > bytes.length) {
            byte[] padded = new byte[length];
            System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
            bytes = padded;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
