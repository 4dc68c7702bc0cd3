package io.relaychat.ports.model;

import java.util.Objects;

/** Bytes of an uploaded file with the content type it is served as. */
public record Blob(byte[] content, String contentType) {
    public Blob {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(contentType, "contentType");
    }
}
