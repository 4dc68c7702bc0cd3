package io.relaychat.adapter.local;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.out.SendForwarding;
import io.relaychat.testkit.SendForwardingContract;

import java.util.List;

/**
 * The contract against {@link SendForwarding#NONE}, the single-node default that this module's adapters
 * run with: every node stores every room itself, so there is never a second node to forward to, and the
 * contract's tests of forwarding between nodes are skipped, saying why.
 */
class SingleNodeSendForwardingTest extends SendForwardingContract {
    @Override
    protected List<SendForwarding> newNodes(int count) {
        if (count != 1) {
            throw new IllegalArgumentException("NONE is a node alone");
        }
        return List.of(SendForwarding.NONE);
    }

    @Override
    protected void attach(SendForwarding node, ClusterEvents core) {
        // NONE hands nothing to any core: no send ever arrives from another node.
    }

    @Override
    protected void abandon(SendForwarding node) {
        throw new UnsupportedOperationException("NONE has no other node that could outlive this one");
    }

    @Override
    protected boolean dividesRooms() {
        return false;
    }
}
