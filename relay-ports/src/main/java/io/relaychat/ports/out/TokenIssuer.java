package io.relaychat.ports.out;

import io.relaychat.ports.model.UserId;

public interface TokenIssuer {
    String issue(UserId userId);
}
