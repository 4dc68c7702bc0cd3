package io.relaychat.ports.in;

import java.util.Optional;

/** Every inbound port of the core in one place, as a transport needs them. */
public interface RelayUseCases {
    RegisterUseCase register();

    LoginUseCase login();

    AuthenticateUseCase authenticate();

    SearchUsersUseCase searchUsers();

    RoomsUseCase rooms();

    FetchHistoryUseCase history();

    UploadsUseCase uploads();

    ChatUseCase chat();

    HealthUseCase health();

    /** The API of trusted backends; empty while the server has no API key (off). */
    default Optional<ServerApiUseCase> serverApi() {
        return Optional.empty();
    }
}
