package io.relaychat.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks ports on 127.0.0.1 that nothing listens on, several distinct ones at once, for the processes a fixture starts;
 * for a Redis Cluster node also its bus port (its port + 10000), which the node opens beside it. Picks fall in
 * 20000..22767, so a pick's bus port (30000..32767) can never be another pick's port, and stays below the range the
 * kernel hands out to outgoing connections (32768 and up on Linux), which could take it between probe and bind.
 */
final class LoopbackPorts {
    static final int CLUSTER_BUS_OFFSET = 10000;
    private static final int LOWEST = 20000;
    private static final int RANGE = 2768;
    private static final int ATTEMPTS = 1000;

    private LoopbackPorts() {
    }

    static List<Integer> free(int count) {
        return pick(count, false);
    }

    static List<Integer> freeWithClusterBus(int count) {
        return pick(count, true);
    }

    private static List<Integer> pick(int count, boolean withBus) {
        Set<Integer> picked = new LinkedHashSet<>();
        for (int attempt = 0; picked.size() < count && attempt < ATTEMPTS; attempt++) {
            int port = LOWEST + ThreadLocalRandom.current().nextInt(RANGE);
            if (!picked.contains(port) && isFree(port) && (!withBus || isFree(port + CLUSTER_BUS_OFFSET))) {
                picked.add(port);
            }
        }
        if (picked.size() < count) {
            throw new IllegalStateException("found only " + picked.size() + " of " + count + " free loopback ports in "
                    + LOWEST + ".." + (LOWEST + RANGE - 1) + " after " + ATTEMPTS + " attempts");
        }
        return List.copyOf(picked);
    }

    private static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
