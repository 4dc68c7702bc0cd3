package io.relaychat.testkit;

import io.relaychat.ports.model.ConnectionId;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.UserId;
import io.relaychat.ports.out.PresencePort;
import io.relaychat.ports.out.RoomPresence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.relaychat.testkit.Await.result;
import static io.relaychat.testkit.Fixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link PresencePort} must do: entering makes a user online and says whether the room's online
 * set changed; a user stays online until their last connection exits; entering twice or exiting an unknown
 * connection changes nothing; rooms do not see each other's users. Extend it with a fresh, empty presence
 * per test. (Forgetting a vanished node is shared presence's own, tested with its adapter.)
 */
public abstract class PresenceContract {
    protected PresencePort presence;
    private final RoomId room = new RoomId(newId());
    private final UserId alice = new UserId(newId());
    private final UserId bob = new UserId(newId());

    protected abstract PresencePort newPresence();

    @BeforeEach
    void createPresence() {
        presence = newPresence();
    }

    private static ConnectionId aConnection() {
        return new ConnectionId(newId());
    }

    @Test
    void enteringMakesTheUserOnlineAndSaysSo() {
        RoomPresence first = result(presence.enter(room, aConnection(), alice, "alice"));
        RoomPresence second = result(presence.enter(room, aConnection(), bob, "bob"));

        assertTrue(first.changed());
        assertEquals(Map.of(alice, "alice"), first.online());
        assertTrue(second.changed());
        assertEquals(Map.of(alice, "alice", bob, "bob"), second.online());
        assertEquals(second.online(), result(presence.online(room)));
    }

    @Test
    void aUserStaysOnlineUntilTheirLastConnectionExits() {
        ConnectionId phone = aConnection();
        ConnectionId laptop = aConnection();
        result(presence.enter(room, phone, alice, "alice"));

        assertFalse(result(presence.enter(room, laptop, alice, "alice")).changed());
        RoomPresence afterPhone = result(presence.exit(room, phone));
        assertFalse(afterPhone.changed());
        assertEquals(Map.of(alice, "alice"), afterPhone.online());

        RoomPresence afterLaptop = result(presence.exit(room, laptop));
        assertTrue(afterLaptop.changed());
        assertEquals(Map.of(), afterLaptop.online());
    }

    @Test
    void enteringTwiceOrExitingUnknownChangesNothing() {
        ConnectionId connection = aConnection();
        result(presence.enter(room, connection, alice, "alice"));

        assertFalse(result(presence.enter(room, connection, alice, "alice")).changed());
        assertFalse(result(presence.exit(room, aConnection())).changed());
        assertFalse(result(presence.exit(new RoomId(newId()), connection)).changed());
        assertEquals(Map.of(alice, "alice"), result(presence.online(room)));
    }

    @Test
    void aRoomsOnlineUsersAreItsOwn() {
        RoomId other = new RoomId(newId());
        result(presence.enter(room, aConnection(), alice, "alice"));
        result(presence.enter(other, aConnection(), bob, "bob"));

        assertEquals(Map.of(alice, "alice"), result(presence.online(room)));
        assertEquals(Map.of(bob, "bob"), result(presence.online(other)));
        assertEquals(Map.of(), result(presence.online(new RoomId(newId()))));
    }
}
