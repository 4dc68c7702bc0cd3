package io.relaychat.adapter.netty;

import io.relaychat.ports.in.AuthenticateUseCase;
import io.relaychat.ports.in.ChatUseCase;
import io.relaychat.ports.in.FetchHistoryUseCase;
import io.relaychat.ports.in.HealthUseCase;
import io.relaychat.ports.in.LoginUseCase;
import io.relaychat.ports.in.RegisterUseCase;
import io.relaychat.ports.in.RelayUseCases;
import io.relaychat.ports.in.RoomsUseCase;
import io.relaychat.ports.in.SearchUsersUseCase;
import io.relaychat.ports.in.ServerApiUseCase;
import io.relaychat.ports.in.UploadsUseCase;
import io.relaychat.ports.model.Blob;
import io.relaychat.ports.model.Outcome;
import io.relaychat.ports.model.Refusal;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserId;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The core's inbound ports as a test sets them up: one user, ann, whose token is {@link #TOKEN}; every use
 * case a test does not replace answers as a small healthy core would, or is not there at all.
 */
final class FakeCore implements RelayUseCases {
    static final String TOKEN = "ann-token";
    static final User ANN = new User(new UserId("u1"), "ann@example.com", "ann", Instant.parse("2026-01-02T03:04:05Z"));

    AuthenticateUseCase authenticate = token -> CompletableFuture.completedFuture(
            TOKEN.equals(token) ? Optional.of(ANN) : Optional.empty());
    LoginUseCase login = command -> CompletableFuture.completedFuture(Outcome.rejected(Refusal.invalidCredentials()));
    FetchHistoryUseCase history = query -> CompletableFuture.completedFuture(Outcome.accepted(List.of()));
    UploadsUseCase uploads = new RefusingUploads(10 * 1024);
    ChatUseCase chat = new FakeChat(new FakeChatConnection(ANN));
    /** What readiness answers: ready, with nothing to probe, unless a test says otherwise. */
    CompletionStage<HealthUseCase.Readiness> readiness = CompletableFuture.completedFuture(
            new HealthUseCase.Readiness(Map.of()));

    /** Absent, as on a server without an API key, unless a test sets it before building its pipeline. */
    ServerApiUseCase serverApi;

    @Override
    public Optional<ServerApiUseCase> serverApi() {
        return Optional.ofNullable(serverApi);
    }

    @Override
    public RegisterUseCase register() {
        return command -> notUsed();
    }

    @Override
    public LoginUseCase login() {
        return login;
    }

    @Override
    public AuthenticateUseCase authenticate() {
        return authenticate;
    }

    @Override
    public SearchUsersUseCase searchUsers() {
        return (caller, query) -> CompletableFuture.completedFuture(Outcome.accepted(List.of()));
    }

    @Override
    public RoomsUseCase rooms() {
        throw new UnsupportedOperationException("no rooms in this fake");
    }

    @Override
    public FetchHistoryUseCase history() {
        return history;
    }

    @Override
    public UploadsUseCase uploads() {
        return uploads;
    }

    @Override
    public ChatUseCase chat() {
        return chat;
    }

    @Override
    public HealthUseCase health() {
        return new HealthUseCase() {
            @Override
            public Health check() {
                return new Health(true, Map.of());
            }

            @Override
            public CompletionStage<Readiness> readiness() {
                return readiness;
            }
        };
    }

    private static <T> CompletionStage<T> notUsed() {
        throw new UnsupportedOperationException("not used by these tests");
    }

    /** Uploads that refuse any file over {@code maxBytes}, as the core does, and store nothing. */
    record RefusingUploads(long maxBytes) implements UploadsUseCase {
        @Override
        public CompletionStage<Outcome<StoredUpload>> upload(UserId uploader, String originalName, byte[] content) {
            return CompletableFuture.completedFuture(content.length > maxBytes
                    ? Outcome.rejected(Refusal.fileTooLarge(maxBytes))
                    : Outcome.accepted(new StoredUpload("stored-" + originalName, originalName)));
        }

        @Override
        public CompletionStage<Optional<Blob>> download(String storedName) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }
}
