package io.relaychat.adapter.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.relaychat.ports.in.RelayUseCases;
import io.relaychat.ports.model.DeliveryBatching;
import io.relaychat.ports.out.RelayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP and WebSocket server: the REST API, the real-time protocol on {@code /api/ws}, uploaded
 * files and CORS, over raw Netty, in the clear or over TLS ({@link TransportSettings#tls()}). Start it with the
 * core's use cases; stop it to shut down gracefully.
 */
public final class NettyTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    /** How long the WebSockets' closes are spread over when the caller does not say. */
    public static final Duration DEFAULT_CLOSE_SPREAD = Duration.ofSeconds(3);
    /** The longest any one step of a stop waits for something that should be quick. */
    private static final long BOUNDED_WAIT_MILLIS = 1000;

    /**
     * How a store that completes its writes in batches hands what they deliver to the event loops: each loop takes
     * a batch's writes in one task ({@link LoopOutbox#holdingHandOffs}). One for every transport of the process, so
     * the store can be made before the transport it serves.
     */
    public static DeliveryBatching deliveryBatching() {
        return LoopOutbox::holdingHandOffs;
    }

    private final TransportSettings settings;
    private final IoTransport io;
    private final ChannelGroup webSockets = new DefaultChannelGroup("websockets", GlobalEventExecutor.INSTANCE);
    private final ConnectionDrain drain = new ConnectionDrain(webSockets);
    private final HttpPipeline http;
    /** Read once, here: a certificate that cannot be used stops start-up before the port is bound. */
    private final Optional<ServerTls> tls;
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private Channel serverChannel;
    /** Set first thing in {@link #stop}: readiness answers 503 "draining" from then on (read on the event loops). */
    private volatile boolean draining;

    public NettyTransport(RelayUseCases core, TransportSettings settings) {
        this(core, settings, RelayMetrics.NONE);
    }

    /** {@code metrics}: told of every frame written to a WebSocket, live messages' latency, and slow readers closed. */
    public NettyTransport(RelayUseCases core, TransportSettings settings, RelayMetrics metrics) {
        this(core, settings, metrics, IoTransport.AUTO);
    }

    /** {@code io}: how the event loops do their I/O ({@link IoTransport#AUTO}: epoll on Linux, else NIO). */
    public NettyTransport(RelayUseCases core, TransportSettings settings, RelayMetrics metrics, IoTransport io) {
        this.settings = settings;
        this.io = io.resolved();
        this.http = new HttpPipeline(core, settings, webSockets, () -> draining, metrics);
        this.tls = settings.tls().map(files -> ServerTls.load(files, settings.headTimeout()));
    }

    /** Binds and starts serving; returns the port actually bound (useful with port 0). */
    public synchronized int start() throws InterruptedException {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        draining = false;
        acceptors = new MultiThreadIoEventLoopGroup(1, io.handlers());
        workers = new MultiThreadIoEventLoopGroup(settings.ioThreads(), io.handlers());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(io.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        drain.track(channel);
                        tls.ifPresent(serverTls -> channel.pipeline().addLast("tls", serverTls.newHandler(channel)));
                        channel.pipeline().addLast("flush", new FlushConsolidationHandler(256, true));
                        http.install(channel);
                    }
                });
        serverChannel = bootstrap.bind(settings.host(), settings.port()).sync().channel();
        int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        log.info("listening on {}://{}:{} (WebSocket at {}{}, {} I/O); at most {} connections",
                tls.isPresent() ? "https" : "http", settings.host(), port, WebSocketUpgrade.PATH,
                settings.compression().enabled() ? ", permessage-deflate offered" : "", io,
                settings.maxConnections() == 0 ? "unlimited" : settings.maxConnections());
        return port;
    }

    public synchronized int port() {
        if (serverChannel == null) {
            throw new IllegalStateException("not started");
        }
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** {@link #stop(Duration, Duration)} with the WebSockets' closes spread over at most a few seconds. */
    public void stop(Duration grace) {
        stop(grace, DEFAULT_CLOSE_SPREAD);
    }

    /**
     * Stops gracefully within {@code grace}: the listening socket closes at once (new connections go to the
     * other nodes), every HTTP request already received is answered with {@code Connection: close} and idle
     * connections close, the WebSockets close with 1001 "Server shutting down" in batches over {@code spread}
     * (at most half the grace), each after its pending answers; whatever is left at the end is closed hard,
     * and the event loops stop. When it returns, no answer of this transport is still waiting on the core.
     * Before anything closes, readiness turns to 503 "draining": a request already on its way asking it is the
     * last word a load balancer gets from this node.
     */
    public synchronized void stop(Duration grace, Duration spread) {
        if (serverChannel == null) {
            return;
        }
        draining = true;
        serverChannel.close().awaitUninterruptibly(BOUNDED_WAIT_MILLIS);
        drain.drain(grace, spread);
        // Every connection is closed by now: what the loops still hold are the tasks of closed channels.
        workers.shutdownGracefully(0, BOUNDED_WAIT_MILLIS, TimeUnit.MILLISECONDS).awaitUninterruptibly(BOUNDED_WAIT_MILLIS);
        acceptors.shutdownGracefully(0, BOUNDED_WAIT_MILLIS, TimeUnit.MILLISECONDS).awaitUninterruptibly(BOUNDED_WAIT_MILLIS);
        serverChannel = null;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    /** Open connections, HTTP and WebSocket: what {@link TransportSettings#maxConnections()} bounds. */
    public int openConnections() {
        return http.openConnections();
    }

    /** Open WebSockets. */
    public int openWebSockets() {
        return webSockets.size();
    }

    /** Request body bytes held now, all connections together: what the body budget bounds. */
    public long bodyBytesHeld() {
        return http.bodyBytesHeld();
    }
}
