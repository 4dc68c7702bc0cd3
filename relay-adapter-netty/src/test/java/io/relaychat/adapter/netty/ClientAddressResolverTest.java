package io.relaychat.adapter.netty;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.relaychat.ports.in.ClientAddress;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientAddressResolverTest {
    private static final ClientAddressResolver BEHIND_PROXIES =
            new ClientAddressResolver(List.of("10.0.0.0/8", "192.168.1.5", "fd00::/8", "::1"));

    private static InetSocketAddress peer(String literal) {
        return new InetSocketAddress(ip(literal), 40_000);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static ClientAddress address(String literal) {
        return ClientAddress.of(ip(literal));
    }

    private static HttpHeaders forwardedFor(String... values) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (String value : values) {
            headers.add("X-Forwarded-For", value);
        }
        return headers;
    }

    private static ClientAddress resolve(String peer, String... forwardedFor) {
        return BEHIND_PROXIES.resolve(peer(peer), forwardedFor(forwardedFor));
    }

    @Test
    void aPeerThatIsNoTrustedProxyIsTheClientWhateverItsHeadersSay() {
        assertEquals(address("203.0.113.7"), resolve("203.0.113.7", "198.51.100.1"));
        assertEquals(address("203.0.113.7"), resolve("203.0.113.7"));
        assertEquals(address("192.168.1.6"), resolve("192.168.1.6", "198.51.100.1"), "next to a trusted address is not it");
        assertEquals(address("127.0.0.1"),
                ClientAddressResolver.socketOnly().resolve(peer("127.0.0.1"), forwardedFor("198.51.100.1")));
    }

    @Test
    void behindATrustedProxyTheClientIsTheRightMostEntryThatIsNoProxyOfOurs() {
        assertEquals(address("198.51.100.1"), resolve("10.1.2.3", "198.51.100.1"));
        assertEquals(address("198.51.100.1"), resolve("192.168.1.5", "198.51.100.1, 10.9.9.9"), "through two of ours");
        assertEquals(address("198.51.100.1"), resolve("10.1.2.3", "198.51.100.1,10.0.0.1,192.168.1.5"));
    }

    @Test
    void entriesLeftOfTheClientAreTheClientsOwnWritingAndCountForNothing() {
        assertEquals(address("198.51.100.1"), resolve("10.1.2.3", "1.1.1.1, 10.0.0.2, 198.51.100.1"),
                "a spoofed left-most entry, even one naming our own network, is not believed");
        assertEquals(address("198.51.100.1"), resolve("10.1.2.3", "not an address, 198.51.100.1"),
                "nor does garbage there make the header unreadable");
    }

    @Test
    void repeatedHeadersAreOneListInTheirOrder() {
        assertEquals(address("198.51.100.1"), resolve("10.1.2.3", "6.6.6.6", "198.51.100.1", "10.0.0.9"));
        assertEquals(address("198.51.100.2"), resolve("10.1.2.3", "198.51.100.1, 10.0.0.4", "198.51.100.2"));
    }

    @Test
    void ipv6PeersNetworksAndEntriesWithOrWithoutPorts() {
        assertEquals(address("2001:db8::7"), resolve("::1", "2001:db8::7"));
        assertEquals(address("2001:db8::7"), resolve("fd12:3456::1", "[2001:db8::7]:4711, fd00::2"));
        assertEquals(address("2001:db8::7"), resolve("fd12:3456::1", "[2001:db8::7]"));
        assertEquals(address("198.51.100.1"), resolve("::1", "198.51.100.1:8443"));
        assertEquals(address("fe00::1"), resolve("fe00::1", "2001:db8::7"), "fe00:: is outside fd00::/8");
    }

    @Test
    void anIpv4AddressWrittenAsIpv6IsTheIpv4Address() {
        assertEquals(address("198.51.100.1"), resolve("::ffff:10.1.2.3", "::ffff:198.51.100.1"));
        assertEquals(address("198.51.100.1"), resolve("10.1.2.3", "::ffff:198.51.100.1"));
        assertEquals("198.51.100.1", address("::ffff:198.51.100.1").toString());
    }

    @Test
    void aHeaderThatCannotBeReadWhereItCountsFallsBackToTheSocket() {
        for (String malformed : List.of("", "unknown", "198.51.100.1,", "198.51.100.1, ,10.0.0.1", "example.com",
                "198.51.100", "999.1.1.1", "[2001:db8::7", "[2001:db8::7]:port", "198.51.100.1:", "fe80::1%eth0",
                "_hidden")) {
            assertEquals(address("10.1.2.3"), resolve("10.1.2.3", malformed), "'" + malformed + "'");
        }
    }

    @Test
    void whenEveryHopIsOneOfOursTheClientIsTheFirstOfThem() {
        assertEquals(address("10.0.0.1"), resolve("10.1.2.3", "10.0.0.1, 192.168.1.5"));
    }

    @Test
    void aPeerWithoutAnIpAddressIsUnknown() {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            assertEquals(ClientAddress.unknown(), BEHIND_PROXIES.resolve(channel.remoteAddress(), forwardedFor("198.51.100.1")));
            assertEquals(ClientAddress.unknown(), BEHIND_PROXIES.resolve(null, forwardedFor()));
        } finally {
            assertTrue(!channel.finishAndReleaseAll());
        }
    }

    @Test
    void trustedProxiesAreAddressesOrNetworksNeverNames() {
        for (String bad : List.of("proxy.internal", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "", "1.2.3")) {
            assertThrows(IllegalArgumentException.class, () -> new ClientAddressResolver(List.of(bad)), bad);
        }
        ClientAddressResolver everyone = new ClientAddressResolver(List.of("0.0.0.0/0"));
        assertEquals(address("198.51.100.1"), everyone.resolve(peer("203.0.113.7"), forwardedFor("198.51.100.1")));
        ClientAddressResolver oddPrefix = new ClientAddressResolver(List.of("10.0.0.0/9"));
        assertEquals(address("198.51.100.1"), oddPrefix.resolve(peer("10.127.0.1"), forwardedFor("198.51.100.1")));
        assertEquals(address("10.128.0.1"), oddPrefix.resolve(peer("10.128.0.1"), forwardedFor("198.51.100.1")));
    }
}
