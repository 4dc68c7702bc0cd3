package io.relaychat.adapter.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.relaychat.ports.in.RelayUseCases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP and WebSocket server: the REST API, the real-time protocol on {@code /api/ws}, uploaded
 * files and CORS, over raw Netty. Start it with the core's use cases; stop it to shut down gracefully.
 */
public final class NettyTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    private final TransportSettings settings;
    private final ChannelGroup webSockets = new DefaultChannelGroup("websockets", GlobalEventExecutor.INSTANCE);
    private final HttpPipeline http;
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private Channel serverChannel;

    public NettyTransport(RelayUseCases core, TransportSettings settings) {
        this.settings = settings;
        this.http = new HttpPipeline(core, settings, webSockets);
    }

    /** Binds and starts serving; returns the port actually bound (useful with port 0). */
    public synchronized int start() throws InterruptedException {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        acceptors = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(settings.ioThreads(), NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast("flush", new FlushConsolidationHandler(256, true));
                        http.install(channel);
                    }
                });
        serverChannel = bootstrap.bind(settings.host(), settings.port()).sync().channel();
        int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        log.info("listening on http://{}:{} (WebSocket at {}); at most {} connections", settings.host(), port,
                WebSocketUpgrade.PATH, settings.maxConnections() == 0 ? "unlimited" : settings.maxConnections());
        return port;
    }

    public synchronized int port() {
        if (serverChannel == null) {
            throw new IllegalStateException("not started");
        }
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Stops accepting, closes every WebSocket with 1001 "going away" after what was already written to it,
     * and waits up to {@code grace} for connections to finish before the event loops stop.
     */
    public synchronized void stop(Duration grace) {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        webSockets.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "Server shutting down"))
                .addListener(written -> webSockets.close());
        boolean closed = webSockets.newCloseFuture().awaitUninterruptibly(grace.toMillis());
        if (!closed) {
            log.warn("{} WebSocket(s) did not close within {}; closing them now", webSockets.size(), grace);
            webSockets.close().awaitUninterruptibly(1000);
        }
        workers.shutdownGracefully(0, grace.toMillis(), TimeUnit.MILLISECONDS).syncUninterruptibly();
        acceptors.shutdownGracefully(0, grace.toMillis(), TimeUnit.MILLISECONDS).syncUninterruptibly();
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

    /** Request body bytes held now, all connections together: what the body budget bounds. */
    public long bodyBytesHeld() {
        return http.bodyBytesHeld();
    }
}
