package io.relaychat.ports.in;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a request came from, as its transport can tell: the client's IP address (the socket's peer, or what a
 * proxy the server trusts reported), or {@link #unknown()}. The core limits failed logins and registrations
 * per address; a request from an unknown address, as an embedder that cannot tell passes it, is limited by its
 * other keys only. An IPv4 address written as IPv6 ({@code ::ffff:192.0.2.1}) is kept as the IPv4 address it
 * is, so that one client is one address whichever socket it came in on.
 */
public final class ClientAddress {
    private static final ClientAddress UNKNOWN = new ClientAddress(null);

    private final InetAddress ip;

    private ClientAddress(InetAddress ip) {
        this.ip = ip;
    }

    public static ClientAddress of(InetAddress ip) {
        return new ClientAddress(unmapped(Objects.requireNonNull(ip, "ip")));
    }

    public static ClientAddress unknown() {
        return UNKNOWN;
    }

    /** Empty when the transport could not tell. */
    public Optional<InetAddress> ip() {
        return Optional.ofNullable(ip);
    }

    private static InetAddress unmapped(InetAddress ip) {
        byte[] bytes = ip.getAddress();
        if (!(ip instanceof Inet6Address) || bytes.length != 16) {
            return ip;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return ip;
            }
        }
        if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return ip;
        }
        try {
            return Inet4Address.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible); // four bytes are always an address
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientAddress that && Objects.equals(ip, that.ip);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(ip);
    }

    @Override
    public String toString() {
        return ip == null ? "unknown" : ip.getHostAddress();
    }
}
