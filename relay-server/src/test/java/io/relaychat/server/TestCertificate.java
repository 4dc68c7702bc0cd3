package io.relaychat.server;

import io.relaychat.testkit.TempFolders;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 made by the JDK's keytool, written as the PEM files an operator
 * gives the server (the certificate, and its key in PKCS#8), with a client SSLContext that trusts it. Closing it
 * deletes the files.
 */
final class TestCertificate implements AutoCloseable {
    private static final char[] PASSWORD = "changeit".toCharArray();

    final Path certificate;
    final Path key;
    private final Path dir;
    private final Certificate cert;
    private final PrivateKey privateKey;

    private TestCertificate(Path dir, Path certificate, Path key, Certificate cert, PrivateKey privateKey) {
        this.dir = dir;
        this.certificate = certificate;
        this.key = key;
        this.cert = cert;
        this.privateKey = privateKey;
    }

    /** {@code keyAlgorithm}: "EC" (quick) or "RSA". */
    static TestCertificate make(String keyAlgorithm) {
        Path dir;
        try {
            dir = Files.createTempDirectory("relay-tls");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path store = dir.resolve("server.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "relay",
                    "-keyalg", keyAlgorithm, "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, PASSWORD);
            }
            Certificate cert = keyStore.getCertificate("relay");
            PrivateKey privateKey = (PrivateKey) keyStore.getKey("relay", PASSWORD);
            Path certificate = Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", cert.getEncoded()));
            Path key = Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", privateKey.getEncoded()));
            return new TestCertificate(dir, certificate, key, cert, privateKey);
        } catch (IOException e) {
            TempFolders.delete(dir);
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            TempFolders.delete(dir);
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            TempFolders.delete(dir);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /**
     * The RSA key in PKCS#1, as {@code openssl genrsa} writes it: the RSAPrivateKey a PKCS#8 wrapper carries
     * after its fixed 26-byte header (version, algorithm, octet string) for a 2048-bit key.
     */
    Path pkcs1Key() throws IOException {
        byte[] pkcs8 = privateKey.getEncoded();
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        return Files.writeString(key.resolveSibling("key-pkcs1.pem"), pem("RSA PRIVATE KEY", pkcs1));
    }

    @Override
    public void close() {
        TempFolders.delete(dir);
    }

    SSLContext trustingClient() {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("relay", cert);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
