package io.relaychat.client;

/** What register and login answer: the bearer token to use, and whose it is. */
public record SignedIn(String accessToken, User user) {
    @Override
    public String toString() {
        return "SignedIn[" + user + "]"; // never the token, whatever logs it
    }
}
