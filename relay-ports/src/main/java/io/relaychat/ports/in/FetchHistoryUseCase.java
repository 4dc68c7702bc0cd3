package io.relaychat.ports.in;

import io.relaychat.ports.model.ChatMessage;
import io.relaychat.ports.model.Outcome;

import java.util.List;
import java.util.concurrent.CompletionStage;

public interface FetchHistoryUseCase {
    /** Refused with NOT_MEMBER "Access denied" for non-members and unknown rooms alike, so room ids cannot be probed. */
    CompletionStage<Outcome<List<ChatMessage>>> history(HistoryQuery query);
}
