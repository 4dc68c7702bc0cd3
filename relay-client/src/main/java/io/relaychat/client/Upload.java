package io.relaychat.client;

/** A stored upload: {@code url} is what a message's attachments name; {@code filename} the name it was sent with. */
public record Upload(String url, String filename) {
}
