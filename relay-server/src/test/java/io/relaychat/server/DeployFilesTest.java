package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaychat.testkit.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deploy files (Dockerfile, docker-compose.yml, deploy/nginx/nginx.conf, deploy/kubernetes/) agree with the
 * server they deploy: every variable they set is a setting and parses within its bounds, ports are the nodes'
 * PORT, the probe and health-check paths answer 200 on a real server, and nothing cuts the drain short.
 */
@IntegrationTest
class DeployFilesTest {
    private static final Pattern PROBE_PATH = Pattern.compile("(/api/[A-Za-z0-9_/-]+)");

    private final DeployFiles files = DeployFiles.ofRepository();

    /** What the shell would give compose's ${...}: a secret long enough for the server. */
    private static final Map<String, String> SHELL = Map.of("JWT_SECRET_KEY", RunningServer.SECRET);

    private JsonNode manifest(String name) {
        return files.yaml("deploy/kubernetes/" + name);
    }

    private JsonNode container() {
        JsonNode containers = manifest("deployment.yaml").path("spec").path("template").path("spec").path("containers");
        assertEquals(1, containers.size(), "one container per pod");
        return containers.get(0);
    }

    /** The environment a pod gets: the ConfigMap and, unless replaced, the Secret's placeholder. */
    private Map<String, String> podEnvironment(boolean withPlaceholderSecret) {
        Map<String, String> env = new LinkedHashMap<>();
        manifest("configmap.yaml").path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        manifest("secret.yaml").path("stringData").fields().forEachRemaining(e -> env.put(e.getKey(),
                withPlaceholderSecret ? e.getValue().asText() : RunningServer.SECRET));
        container().path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    @Test
    void everyVariableTheDeployFilesSetIsInTheConfigurationTable() {
        Set<String> table = files.configurationNames();
        assertTrue(table.contains("PORT") && table.contains("RELAY_TRUSTED_PROXIES"), "the table was read: " + table);
        Map<String, Set<String>> used = new LinkedHashMap<>();
        used.put("Dockerfile", files.dockerfileEnvNames());
        files.composeNodes().forEach((name, node) -> used.put("docker-compose.yml " + name, DeployFiles.environment(node, SHELL).keySet()));
        used.put("deploy/kubernetes", podEnvironment(true).keySet());

        Map<String, Set<String>> unknown = new LinkedHashMap<>();
        used.forEach((where, names) -> {
            Set<String> missing = new TreeSet<>(names);
            missing.removeAll(table);
            if (!missing.isEmpty()) {
                unknown.put(where, missing);
            }
        });
        assertTrue(unknown.isEmpty(), "not settings of the server (docs/configuration.md): " + unknown);
        assertFalse(used.get("Dockerfile").isEmpty(), "the Dockerfile's ENV was read");
    }

    @Test
    void theComposeNodesShareSecretStoreAndBusAndBelieveOnlyNginxsForwardedFor() {
        Map<String, JsonNode> nodes = files.composeNodes();
        assertTrue(nodes.size() >= 2, "at least two nodes: " + nodes.keySet());
        List<Map<String, String>> envs = nodes.values().stream().map(node -> DeployFiles.environment(node, SHELL)).toList();
        for (String shared : List.of("JWT_SECRET_KEY", "MONGO_URL", "REDIS_URL", "RELAY_TRUSTED_PROXIES")) {
            Set<String> values = new LinkedHashSet<>();
            envs.forEach(env -> values.add(env.get(shared)));
            assertEquals(1, values.size(), shared + " is one value on every node: " + values);
            assertFalse(values.contains(null) || values.contains(""), shared + " is set on every node");
        }
        envs.forEach(ServerConfig::fromEnvironment); // every value within its bounds, and the nodes a valid cluster

        JsonNode compose = files.yaml("docker-compose.yml");
        JsonNode nginx = compose.path("services").path("nginx");
        String nginxAddress = nginx.path("networks").elements().next().path("ipv4_address").asText();
        List<String> trusted = ServerConfig.fromEnvironment(envs.get(0)).transport().trustedProxies();
        assertTrue(trusted.contains(nginxAddress), "the nodes trust nginx's address " + nginxAddress + ": " + trusted);
        assertTrue(nginx.path("volumes").toString().contains("./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf"),
                "nginx runs the configuration NginxInFrontTest runs: " + nginx.path("volumes"));

        Duration grace = ServerConfig.fromEnvironment(envs.get(0)).shutdownGrace();
        nodes.forEach((name, node) -> {
            Duration stopGrace = DeployFiles.nginxTime(node.path("stop_grace_period").asText("10s"));
            assertTrue(stopGrace.compareTo(grace.plus(RelayServerMain.EXIT_MARGIN)) > 0,
                    name + ": stop_grace_period " + stopGrace + " must exceed the drain, " + grace + " + " + RelayServerMain.EXIT_MARGIN);
        });
    }

    @Test
    void nginxSendsToTheNodesPortsAndItsLimitsAndTimeoutsLetTheServersApply() {
        Map<String, JsonNode> nodes = files.composeNodes();
        String conf = files.text("deploy/nginx/nginx.conf");
        List<String> servers = DeployFiles.nginxDirective(DeployFiles.nginxBlock(conf, "upstream relaychat"), "server");
        Map<String, Integer> upstreams = new LinkedHashMap<>();
        for (String server : servers) {
            Matcher hostPort = Pattern.compile("([A-Za-z0-9.-]+):(\\d+)").matcher(server);
            assertTrue(hostPort.lookingAt(), "upstream server as host:port: " + server);
            upstreams.put(hostPort.group(1), Integer.parseInt(hostPort.group(2)));
        }
        assertEquals(nodes.keySet(), upstreams.keySet(), "nginx balances over every node and nothing else");
        ServerConfig config = null;
        for (Map.Entry<String, JsonNode> node : nodes.entrySet()) {
            config = ServerConfig.fromEnvironment(DeployFiles.environment(node.getValue(), SHELL));
            assertEquals(config.transport().port(), upstreams.get(node.getKey()), node.getKey() + "'s PORT");
        }

        String http = DeployFiles.nginxBlock(conf, "http");
        long maxBody = DeployFiles.nginxBytes(DeployFiles.nginxValue(http, "client_max_body_size"));
        long serverUploadBound = config.limits().maxUploadBytes() + 64 * 1024;
        assertTrue(maxBody >= serverUploadBound, "nginx lets through every upload the server takes: "
                + maxBody + " < " + serverUploadBound);
        assertTrue(maxBody <= 2 * serverUploadBound, "and not much more, so that what it refuses is refused early");

        String server = DeployFiles.nginxBlock(http, "server");
        Duration restRead = DeployFiles.nginxTime(DeployFiles.nginxValue(server, "proxy_read_timeout"));
        assertTrue(restRead.compareTo(config.transport().answerTimeout()) > 0,
                "the server's answer timeout decides, not nginx's: " + restRead);
        String webSocket = DeployFiles.nginxBlock(server, "location = /api/ws");
        Duration wsRead = DeployFiles.nginxTime(DeployFiles.nginxValue(webSocket, "proxy_read_timeout"));
        assertTrue(wsRead.compareTo(config.transport().idleTimeout()) > 0,
                "an idle WebSocket is closed by the server (1001 and a reason), not by nginx: " + wsRead);
        Duration upstreamKeepAlive = DeployFiles.nginxTime(DeployFiles.nginxValue(
                DeployFiles.nginxBlock(conf, "upstream relaychat"), "keepalive_timeout"));
        assertTrue(upstreamKeepAlive.compareTo(config.transport().keepAliveTimeout()) < 0,
                "nginx gives up an idle connection to a node before the node closes it: " + upstreamKeepAlive);
        assertEquals("off", DeployFiles.nginxValue(DeployFiles.nginxBlock(server, "location = /api/upload"),
                "proxy_request_buffering"), "uploads stream through nginx");
    }

    @Test
    void thePodsPortsProbesAndTerminationAgreeWithTheServer() {
        Map<String, String> env = podEnvironment(false);
        ServerConfig config = ServerConfig.fromEnvironment(env);
        JsonNode container = container();
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(port -> ports.put(port.path("name").asText(), port.path("containerPort").asInt()));
        assertEquals(config.transport().port(), ports.get("http"), "the container port is PORT");
        assertEquals(Integer.parseInt(env.get("RELAY_METRICS_PORT")), ports.get("metrics"), "the metrics port is RELAY_METRICS_PORT");
        JsonNode pod = manifest("deployment.yaml").path("spec").path("template");
        assertEquals("true", pod.path("metadata").path("annotations").path("prometheus.io/scrape").asText());
        assertEquals(env.get("RELAY_METRICS_PORT"), pod.path("metadata").path("annotations").path("prometheus.io/port").asText());

        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            JsonNode port = container.path(probe).path("httpGet").path("port");
            int number = port.isInt() ? port.asInt() : ports.getOrDefault(port.asText(), -1);
            assertEquals(config.transport().port(), number, probe + " asks the server's port");
        }
        assertEquals("/api/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/api/live", container.path("livenessProbe").path("httpGet").path("path").asText());

        JsonNode service = manifest("service.yaml");
        service.path("spec").path("ports").forEach(port -> assertTrue(ports.containsKey(port.path("targetPort").asText()),
                "the Service targets a port of the container: " + port));
        JsonNode labels = pod.path("metadata").path("labels");
        assertEquals(labels, service.path("spec").path("selector"), "the Service selects the pods");
        assertEquals(labels, manifest("pdb.yaml").path("spec").path("selector").path("matchLabels"), "the budget covers the pods");
        assertTrue(container.path("resources").path("requests").has("memory")
                && container.path("resources").path("limits").has("memory"), "memory requested and bounded (the heap is half of it)");

        List<String> preStop = new ArrayList<>();
        container.path("lifecycle").path("preStop").path("exec").path("command").forEach(part -> preStop.add(part.asText()));
        assertEquals("sleep", preStop.get(0), "preStop sleeps: " + preStop);
        Duration sleep = Duration.ofSeconds(Long.parseLong(preStop.get(1)));
        Duration termination = Duration.ofSeconds(pod.path("spec").path("terminationGracePeriodSeconds").asLong());
        Duration needed = sleep.plus(config.shutdownGrace()).plus(RelayServerMain.EXIT_MARGIN);
        assertTrue(termination.compareTo(needed) > 0, "terminationGracePeriodSeconds " + termination.toSeconds()
                + " s must exceed preStop " + sleep.toSeconds() + " s + grace " + config.shutdownGrace().toSeconds()
                + " s + exit margin " + RelayServerMain.EXIT_MARGIN.toSeconds() + " s");
    }

    @Test
    void theSecretsPlaceholderStopsStartUpUntilItIsReplaced() {
        ConfigException refused = assertThrows(ConfigException.class, () -> ServerConfig.fromEnvironment(podEnvironment(true)));
        assertTrue(refused.getMessage().contains("JWT_SECRET_KEY"), refused.getMessage());
    }

    @Test
    void everyProbeAndHealthCheckPathAnswers200OnARealServer() {
        Set<String> paths = new LinkedHashSet<>();
        List<String> healthChecks = files.dockerfileInstructions("HEALTHCHECK");
        assertEquals(1, healthChecks.size(), "one HEALTHCHECK: " + healthChecks);
        Matcher healthCheckPath = PROBE_PATH.matcher(healthChecks.get(0));
        assertTrue(healthCheckPath.find(), "the HEALTHCHECK names a path: " + healthChecks.get(0));
        paths.add(healthCheckPath.group(1));
        JsonNode container = container();
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            JsonNode path = container.path(probe).path("httpGet").path("path");
            if (!path.isMissingNode()) {
                paths.add(path.asText());
            }
        }
        assertTrue(paths.size() >= 2, "the paths were read: " + paths);
        assertTrue(healthChecks.get(0).contains("${PORT}"), "the HEALTHCHECK asks the port the server listens on");
        assertEquals(List.of(String.valueOf(ServerConfig.fromEnvironment(Map.of()).transport().port())),
                files.dockerfileInstructions("EXPOSE"), "the image exposes the default PORT it sets");

        try (RunningServer server = RunningServer.start()) {
            Api api = new Api(server);
            for (String path : paths) {
                assertEquals(200, api.get(path, null).status(), path);
            }
        }
    }
}
