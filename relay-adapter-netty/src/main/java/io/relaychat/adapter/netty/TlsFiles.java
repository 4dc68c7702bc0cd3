package io.relaychat.adapter.netty;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the public port's certificate and key are: PEM files, a certificate chain (the server's certificate
 * first, then the intermediates) and its private key in unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}). They
 * are read once, at start-up ({@link ServerTls}): a new certificate takes a restart.
 */
public record TlsFiles(Path certificateChain, Path privateKey) {
    public TlsFiles {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
    }
}
