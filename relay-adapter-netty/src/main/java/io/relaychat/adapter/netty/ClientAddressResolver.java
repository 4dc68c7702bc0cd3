package io.relaychat.adapter.netty;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import io.relaychat.ports.in.ClientAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Which address a request came from, for the core's per-address limits: the socket's peer; or, when the peer is
 * a proxy the server trusts (an address or network of {@code trustedProxies}), the right-most
 * {@code X-Forwarded-For} entry that is not itself a trusted proxy. Right-most, because each proxy appends the
 * address it was reached from: what stands left of the entry our own proxies wrote was written by the client,
 * which can put anything there. A header from an untrusted peer is ignored for the same reason, and one that
 * cannot be read where it counts (an entry that is not an address, an empty one) counts for nothing: the answer
 * is then the socket's peer. Several {@code X-Forwarded-For} headers are read as one list, in their order, as
 * HTTP reads repeated fields. Only literal addresses are read, never names, so nothing here waits on DNS.
 */
final class ClientAddressResolver {
    static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<Network> trusted;

    /**
     * @param trustedProxies addresses ({@code 10.0.0.7}, {@code ::1}) and networks ({@code 10.0.0.0/8},
     *                       {@code fd00::/8}) whose {@code X-Forwarded-For} is believed; empty: nobody's
     * @throws IllegalArgumentException naming an entry that is neither
     */
    ClientAddressResolver(List<String> trustedProxies) {
        List<Network> networks = new ArrayList<>();
        for (String entry : trustedProxies) {
            networks.add(Network.parse(entry));
        }
        this.trusted = List.copyOf(networks);
    }

    /** Trusts nobody: every request is from its socket's peer. */
    static ClientAddressResolver socketOnly() {
        return new ClientAddressResolver(List.of());
    }

    ClientAddress resolve(SocketAddress peer, HttpHeaders headers) {
        if (!(peer instanceof InetSocketAddress socket) || socket.getAddress() == null) {
            return ClientAddress.unknown();
        }
        ClientAddress fromSocket = ClientAddress.of(socket.getAddress());
        if (!isTrusted(fromSocket) || !headers.contains(FORWARDED_FOR)) {
            return fromSocket;
        }
        List<String> entries = new ArrayList<>();
        for (String header : headers.getAll(FORWARDED_FOR)) {
            for (String entry : header.split(",", -1)) {
                entries.add(entry.strip());
            }
        }
        ClientAddress leftmost = fromSocket;
        for (int i = entries.size() - 1; i >= 0; i--) {
            InetAddress parsed = parseEntry(entries.get(i));
            if (parsed == null) {
                return fromSocket;
            }
            ClientAddress hop = ClientAddress.of(parsed);
            if (!isTrusted(hop)) {
                return hop;
            }
            leftmost = hop;
        }
        return leftmost; // every hop one of ours: the request began inside, at the first of them
    }

    private boolean isTrusted(ClientAddress address) {
        InetAddress ip = address.ip().orElseThrow();
        for (Network network : trusted) {
            if (network.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** An entry as proxies write it: an address, an IPv4 address with a port, or a bracketed IPv6 one with or without. */
    static InetAddress parseEntry(String entry) {
        String address = entry;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0 || !(close == entry.length() - 1 || isPort(entry.substring(close + 1)))) {
                return null;
            }
            address = entry.substring(1, close);
        } else if (entry.indexOf(':') > 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
            int colon = entry.indexOf(':');
            if (!isPort(entry.substring(colon))) {
                return null;
            }
            address = entry.substring(0, colon); // IPv4 with a port; an IPv6 address has more than one colon
        }
        return address.isEmpty() || address.indexOf('%') >= 0 ? null : NetUtil.createInetAddressFromIpAddressString(address);
    }

    private static boolean isPort(String colonAndDigits) {
        if (colonAndDigits.length() < 2 || colonAndDigits.length() > 6 || colonAndDigits.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < colonAndDigits.length(); i++) {
            if (!Character.isDigit(colonAndDigits.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** An address, or a network written as {@code address/prefix-length}. */
    record Network(byte[] prefix, int bits) {
        static Network parse(String spec) {
            String text = spec.strip();
            int slash = text.indexOf('/');
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an IP address or network: '" + spec + "'");
            }
            byte[] bytes = ClientAddress.of(address).ip().orElseThrow().getAddress();
            int bits = bytes.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > bytes.length * 8) {
                    throw new IllegalArgumentException("not a prefix length for that address: '" + spec + "'");
                }
            }
            return new Network(bytes, bits);
        }

        boolean contains(InetAddress ip) {
            byte[] candidate = ip.getAddress();
            if (candidate.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[whole] & mask) == (prefix[whole] & mask);
        }
    }
}
