package io.relaychat.adapter.auth;

import com.auth0.jwt.algorithms.Algorithm;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Optional;

/**
 * The one algorithm each public key verifies with: an RSA key of 2048 bits or more RS256, a P-256 key ES256, any
 * other key none. The key decides, never the token's header, so a token cannot pick a weaker check (alg=none, or
 * HS256 keyed with the public key's bytes): a header naming another algorithm than the key's is refused.
 */
final class SigningAlgorithms {
    static final int MIN_RSA_BITS = 2048;
    private static final ECParameterSpec P256 = p256();

    private SigningAlgorithms() {
    }

    static Optional<Algorithm> forKey(PublicKey key) {
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() >= MIN_RSA_BITS) {
            return Optional.of(Algorithm.RSA256(rsa, null));
        }
        if (key instanceof ECPublicKey ec && isP256(ec.getParams())) {
            return Optional.of(Algorithm.ECDSA256(ec, null));
        }
        return Optional.empty();
    }

    /** Why {@code key} verifies nothing here, for a refusal at start-up; null when it does. */
    static String unusable(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength() >= MIN_RSA_BITS ? null
                    : "an RSA key of " + rsa.getModulus().bitLength() + " bits: at least " + MIN_RSA_BITS + " are needed";
        }
        if (key instanceof ECPublicKey ec) {
            return isP256(ec.getParams()) ? null : "an EC key on another curve than P-256";
        }
        return "a " + key.getAlgorithm() + " key: RSA (RS256) or EC P-256 (ES256) are taken";
    }

    /** secp256k1 has a 256-bit field too: the curve and its order must be P-256's. */
    private static boolean isP256(ECParameterSpec params) {
        return params.getCurve().equals(P256.getCurve()) && params.getOrder().equals(P256.getOrder())
                && params.getGenerator().equals(P256.getGenerator());
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has the P-256 curve", e);
        }
    }
}
