package io.relaychat.adapter.netty;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The public port's TLS: the certificate chain and key of {@link TlsFiles} read once, at start-up, into a server
 * context (the JDK's provider, TLS 1.2 and 1.3 only), and a handler for each new connection whose handshake must
 * end within the head timeout. Files a JDK cannot use fail start-up with what is wrong and how to fix it, rather
 * than a parser's stack trace: a key in PKCS#1 or SEC1 (what {@code openssl genrsa} and older tools write), or an
 * encrypted one, is named as such with the command that converts it.
 */
final class ServerTls {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final String PKCS8 = "-----BEGIN PRIVATE KEY-----";

    private final SslContext context;
    private final long handshakeTimeoutMillis;

    private ServerTls(SslContext context, Duration handshakeTimeout) {
        this.context = context;
        this.handshakeTimeoutMillis = handshakeTimeout.toMillis();
    }

    /**
     * {@code handshakeTimeout}: a connection whose handshake has not ended by then is closed (0: never); a client
     * that opens connections and never finishes them would otherwise hold each for as long as it likes.
     */
    static ServerTls load(TlsFiles files, Duration handshakeTimeout) {
        String chain = readable(files.certificateChain(), "certificate chain");
        if (!chain.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("TLS certificate chain " + files.certificateChain()
                    + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        String key = readable(files.privateKey(), "private key");
        if (!key.contains(PKCS8)) {
            throw new IllegalArgumentException("TLS private key " + files.privateKey() + " " + keyProblem(key)
                    + "; the server takes an unencrypted PKCS#8 key (" + PKCS8 + "): convert it with "
                    + "openssl pkcs8 -topk8 -nocrypt -in " + files.privateKey() + " -out key-pkcs8.pem");
        }
        try {
            SslContext context = SslContextBuilder.forServer(files.certificateChain().toFile(), files.privateKey().toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .build();
            return new ServerTls(context, handshakeTimeout);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("TLS certificate chain " + files.certificateChain() + " and key "
                    + files.privateKey() + " cannot be used: " + e.getMessage(), e);
        }
    }

    private static String readable(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("TLS " + what + " " + file + " cannot be read: "
                    + (Files.exists(file) ? e.toString() : "no such file"), e);
        }
    }

    private static String keyProblem(String key) {
        if (key.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            return "is a PKCS#1 RSA key (-----BEGIN RSA PRIVATE KEY-----)";
        }
        if (key.contains("-----BEGIN EC PRIVATE KEY-----")) {
            return "is a SEC1 EC key (-----BEGIN EC PRIVATE KEY-----)";
        }
        if (key.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            return "is encrypted (-----BEGIN ENCRYPTED PRIVATE KEY-----), and the server has no passphrase";
        }
        return "holds no PEM private key";
    }

    /** The first handler of a new connection: everything after it reads and writes plain bytes. */
    SslHandler newHandler(Channel channel) {
        SslHandler handler = context.newHandler(channel.alloc());
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }
}
