package io.relaychat.ports.in;

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
}
