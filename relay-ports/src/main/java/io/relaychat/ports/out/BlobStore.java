package io.relaychat.ports.out;

import io.relaychat.ports.model.Blob;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Uploaded files by the names the core generated for them. */
public interface BlobStore {
    CompletionStage<Void> put(String name, Blob blob);

    CompletionStage<Optional<Blob>> get(String name);
}
