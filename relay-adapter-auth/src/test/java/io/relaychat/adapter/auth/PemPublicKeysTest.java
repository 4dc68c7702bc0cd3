package io.relaychat.adapter.auth;

import io.relaychat.testkit.TestIdentityProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The identity provider's key from a PEM file, and what the file says when it holds no usable key. */
class PemPublicKeysTest {
    @TempDir
    Path folder;

    private Path file(String text) throws IOException {
        return Files.writeString(folder.resolve("idp.pem"), text);
    }

    @Test
    void rsaAndEcPublicKeysAreRead() throws IOException {
        for (TestIdentityProvider.SigningKey key : new TestIdentityProvider.SigningKey[] {
                TestIdentityProvider.rsaKey("r"), TestIdentityProvider.ecKey("e")}) {
            assertEquals(key.publicKey(), PemPublicKeys.read(file("issuer key\n" + TestIdentityProvider.pem(key.publicKey()))));
        }
    }

    @Test
    void aFileWithoutAUsableKeySaysWhy() throws IOException {
        String missing = assertThrows(IllegalArgumentException.class,
                () -> PemPublicKeys.read(folder.resolve("absent.pem"))).getMessage();
        String empty = assertThrows(IllegalArgumentException.class, () -> PemPublicKeys.read(file("nothing here"))).getMessage();
        String privateKey = assertThrows(IllegalArgumentException.class, () -> PemPublicKeys.read(
                file("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))).getMessage();

        assertTrue(missing.contains("cannot read"), missing);
        assertTrue(empty.contains("no PEM block"), empty);
        assertTrue(privateKey.contains("PRIVATE KEY"), privateKey);
    }
}
