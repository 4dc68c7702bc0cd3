package io.relaychat.server;

import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java -jar relay-server.jar} with arguments, and a misspelt variable, as an operator meets them. */
@IntegrationTest
class CommandLineTest {

    @Test
    void helpListsEverySettingGroupedWithItsDefaultBoundsAndMeaningAndExitsZero() throws Exception {
        ProcessRun help = jar("--help");

        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().startsWith("usage: java -jar relay-server.jar"), help.toString());
        for (Setting setting : Setting.values()) {
            assertTrue(help.out().contains("\n  " + setting.variable() + "\n      " + setting.meaning() + "\n"),
                    setting.variable() + " is not listed: " + help);
        }
        assertTrue(help.out().contains("\nConnections\n  RELAY_MAX_CONNECTIONS\n"), help.toString());
        assertTrue(help.out().contains("\n  PORT\n      port to listen on (0: any free port)\n"
                + "      default: 8001; bounds: 0 to 65535\n"), help.toString());
        assertTrue(help.out().indexOf("\nNetwork\n") < help.out().indexOf("\nLogging\n"), "in the table's order: " + help);
    }

    @Test
    void versionPrintsTheBuildsVersionAndCommitAndExitsZero() throws Exception {
        ProcessRun version = jar("--version");

        assertEquals(0, version.exit(), version.toString());
        assertTrue(version.out().strip().matches("relay-server \\d+\\.\\d+\\S* \\(commit ([0-9a-f]{7,}|unknown)\\)"),
                version.toString());
    }

    @Test
    void anUnknownArgumentPrintsAShortUsageToStandardErrorAndExitsTwo() throws Exception {
        ProcessRun wrong = jar("--port=80");

        assertEquals(2, wrong.exit(), wrong.toString());
        assertEquals("", wrong.out(), "nothing on standard output: " + wrong);
        assertTrue(wrong.err().startsWith("relay-server: unknown argument: --port=80\nusage: java -jar relay-server.jar"),
                wrong.toString());
        assertTrue(wrong.err().lines().count() < 10, "short: " + wrong);
    }

    @Test
    void aMisspeltRelayVariableIsWarnedAboutAtStartUpNamingTheClosestSetting() throws Exception {
        ServerProcess server = ServerProcess.start(Map.of("HOST", "127.0.0.1", "RELAY_MAX_CONECTIONS", "5"));

        assertTrue(server.stop(), "stops by itself after SIGTERM");
        String output = server.log();
        assertTrue(output.contains(" WARN RelayServerMain - RELAY_MAX_CONECTIONS is not a setting and is ignored; "
                + "did you mean RELAY_MAX_CONNECTIONS?"), output);
    }

    /** One run of the packaged jar to its end. */
    private static ProcessRun jar(String... args) throws IOException, InterruptedException {
        String jarPath = System.getProperty("relay.server.jar");
        assertTrue(jarPath != null && Files.exists(Path.of(jarPath)), "the packaged jar, built in package: " + jarPath);
        List<String> command = new java.util.ArrayList<>(List.of(ProcessRun.java(), "-jar", jarPath));
        command.addAll(List.of(args));
        return ProcessRun.toEnd(command, environment -> {
            // A port of its own: should the arguments be ignored, the server started does not take a shared one.
            environment.put("PORT", "0");
            environment.put("HOST", "127.0.0.1");
        }, Duration.ofSeconds(30));
    }
}
