package io.relaychat.adapter.netty;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.util.Locale;

/**
 * How the event loops wait for and move bytes: Linux's epoll through Netty's native transport, or the JDK's NIO
 * selector everywhere else.
 * <p>
 * Epoll is the default where it loads, for what it saves on every delivery handed to an event loop from another
 * thread (the store's writer, the bus, another loop): NIO wakes a selector under a lock that the woken loop takes
 * again as it clears the wake-up, so each hand-off costs a contended monitor and a futex on top of the eventfd write;
 * the native transport's wake-up is the eventfd write alone. Its library ships inside netty-all for x86_64, aarch64
 * and riscv64.
 */
public enum IoTransport {
    /** Epoll where Netty's native library loads (Linux), else NIO. */
    AUTO,
    EPOLL,
    NIO;

    /** RELAY_IO_TRANSPORT's value: auto, epoll or nio (any case); null or blank is auto. */
    public static IoTransport of(String name) {
        if (name == null || name.isBlank()) {
            return AUTO;
        }
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the I/O transport must be auto, epoll or nio, got '" + name + "'");
        }
    }

    /**
     * The transport used: AUTO made concrete. Asking for epoll where it does not load fails here, with the reason
     * Netty gives, rather than falling back unseen.
     */
    public IoTransport resolved() {
        return switch (this) {
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("the epoll transport does not load here: "
                            + Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
            case NIO -> NIO;
        };
    }

    IoHandlerFactory handlers() {
        return switch (resolved()) {
            case EPOLL -> EpollIoHandler.newFactory();
            default -> NioIoHandler.newFactory();
        };
    }

    Class<? extends ServerChannel> serverChannel() {
        return switch (resolved()) {
            case EPOLL -> EpollServerSocketChannel.class;
            default -> NioServerSocketChannel.class;
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
