package io.relaychat.adapter.local;

import io.relaychat.ports.in.ClusterEvents;
import io.relaychat.ports.out.RoomEventBus;
import io.relaychat.testkit.RoomEventBusContract;

import java.util.ArrayList;
import java.util.List;

class InProcessEventBusTest extends RoomEventBusContract {
    @Override
    protected List<RoomEventBus> newNodes(int count) {
        InProcessEventBus.Network network = new InProcessEventBus.Network();
        List<RoomEventBus> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(network.join());
        }
        return nodes;
    }

    @Override
    protected void attach(RoomEventBus bus, ClusterEvents core) {
        ((InProcessEventBus) bus).attach(core);
    }
}
