package io.relaychat.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One node's view of its cluster, as its {@code CLUSTER NODES} answer gives it: every node's port, role and slots,
 * and whether it is failing. Views differ while the nodes gossip, which is why the cluster fixture asks each node
 * before it calls the cluster formed or a failover done.
 */
record ClusterNodes(List<Node> nodes) {

    /** Slots {@code first..last}, both included, as CLUSTER NODES writes them ({@code 0-5460}, or one slot alone). */
    record SlotRange(int first, int last) {
        boolean contains(int slot) {
            return first <= slot && slot <= last;
        }
    }

    /** One line of the answer: {@code <id> <ip:port@bus-port[,hostname]> <flags> <master> ... <slots>...}. */
    record Node(String id, int port, Set<String> flags, List<SlotRange> slots) {
        boolean isMyself() {
            return flags.contains("myself");
        }

        boolean isMaster() {
            return flags.contains("master");
        }

        boolean isReplica() {
            return flags.contains("slave");
        }

        /** The cluster has agreed it is down ({@code fail}), or this node suspects so ({@code fail?}). */
        boolean isFailing() {
            return flags.contains("fail") || flags.contains("fail?");
        }

        /** Talking with this node normally: not failing, past the handshake, at a known address. */
        boolean isHealthy() {
            return !isFailing() && !flags.contains("handshake") && !flags.contains("noaddr");
        }

        boolean serves(int slot) {
            return slots.stream().anyMatch(range -> range.contains(slot));
        }
    }

    static ClusterNodes parse(String answer) throws IOException {
        List<Node> nodes = new ArrayList<>();
        for (String line : answer.split("\n")) {
            if (!line.isBlank()) {
                nodes.add(parseNode(line.strip()));
            }
        }
        return new ClusterNodes(List.copyOf(nodes));
    }

    Node myself() throws IOException {
        return nodes.stream().filter(Node::isMyself).findFirst()
                .orElseThrow(() -> new IOException("CLUSTER NODES has no line flagged myself: " + nodes));
    }

    /**
     * The master this node sees serving {@code slot}: the slot's owner unless the cluster has agreed it is down. Each
     * slot has one owner in a view; after a failover it is the promoted replica.
     */
    Optional<Node> servingMasterOf(int slot) {
        return nodes.stream().filter(node -> node.isMaster() && node.serves(slot) && !node.flags().contains("fail"))
                .findFirst();
    }

    private static Node parseNode(String line) throws IOException {
        String[] fields = line.split(" ");
        if (fields.length < 8) {
            throw new IOException("not a CLUSTER NODES line: " + line);
        }
        // ip:port@bus-port, then ",hostname" since Redis 7; a node without an address is ":0@0".
        String address = fields[1].split("[@,]")[0];
        try {
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            List<SlotRange> slots = new ArrayList<>();
            for (int i = 8; i < fields.length; i++) {
                // "[slot->-id]" and "[slot-<-id]" are slots migrating or importing; none move in these tests.
                if (fields[i].startsWith("[")) {
                    continue;
                }
                String[] bounds = fields[i].split("-");
                int first = Integer.parseInt(bounds[0]);
                slots.add(new SlotRange(first, bounds.length > 1 ? Integer.parseInt(bounds[1]) : first));
            }
            return new Node(fields[0], port, Set.of(fields[2].split(",")), List.copyOf(slots));
        } catch (NumberFormatException e) {
            throw new IOException("not a CLUSTER NODES line: " + line, e);
        }
    }
}
