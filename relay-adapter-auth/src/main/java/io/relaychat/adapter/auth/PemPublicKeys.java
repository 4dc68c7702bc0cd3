package io.relaychat.adapter.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the identity provider's public key from a PEM file, as providers publish it: a {@code PUBLIC KEY} block
 * (X.509 SubjectPublicKeyInfo) or a {@code CERTIFICATE}, whose key is taken (its dates and chain are not checked:
 * the file is trusted as configured). Anything that would verify nothing here is refused with the reason.
 */
public final class PemPublicKeys {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private PemPublicKeys() {
    }

    /** @throws IllegalArgumentException saying what is wrong with the file, for a refusal at start-up */
    public static PublicKey read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Matcher block = BLOCK.matcher(text);
        if (!block.find()) {
            throw new IllegalArgumentException(file + " has no PEM block (-----BEGIN PUBLIC KEY----- ...)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the PEM block is not valid base64", e);
        }
        PublicKey key = switch (block.group(1)) {
            case "PUBLIC KEY" -> publicKey(der, file);
            case "CERTIFICATE" -> certificateKey(der, file);
            default -> throw new IllegalArgumentException(file + " holds a " + block.group(1)
                    + ", not a PUBLIC KEY or a CERTIFICATE");
        };
        String unusable = SigningAlgorithms.unusable(key);
        if (unusable != null) {
            throw new IllegalArgumentException(file + " holds " + unusable);
        }
        return key;
    }

    private static PublicKey publicKey(byte[] der, Path file) {
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Not of this kind: try the next.
            }
        }
        throw new IllegalArgumentException(file + " holds a public key that is neither RSA nor EC");
    }

    private static PublicKey certificateKey(byte[] der, Path file) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " holds a certificate that cannot be read: " + e.getMessage(), e);
        }
    }
}
