package io.relaychat.adapter.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
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
    /** Per-connection outbound backlog: past the high mark a WebSocket counts as too slow and is closed. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1024 * 1024, 4 * 1024 * 1024);
    /** Room for the multipart envelope (boundaries, part headers) around the largest file the core accepts. */
    static final int MULTIPART_SLACK_BYTES = 64 * 1024;

    private final RelayUseCases core;
    private final TransportSettings settings;
    private final int maxRequestBytes;
    private final ChannelGroup webSockets = new DefaultChannelGroup("websockets", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private Channel serverChannel;

    public NettyTransport(RelayUseCases core, TransportSettings settings) {
        this.core = core;
        this.settings = settings;
        this.maxRequestBytes = maxRequestBytes(core.uploads().maxBytes(), settings.maxJsonBytes());
    }

    /**
     * The most the transport reads of one request: the larger of a JSON body and the biggest upload with its
     * envelope. Bodies are held in memory, so the core's upload limit has to fit in one buffer.
     */
    static int maxRequestBytes(long maxUploadBytes, int maxJsonBytes) {
        if (maxUploadBytes < 1 || maxUploadBytes > Integer.MAX_VALUE - MULTIPART_SLACK_BYTES) {
            throw new IllegalArgumentException("the core's upload limit (" + maxUploadBytes
                    + " bytes) must be between 1 and " + (Integer.MAX_VALUE - MULTIPART_SLACK_BYTES) + " bytes");
        }
        return (int) Math.max(maxJsonBytes, maxUploadBytes + MULTIPART_SLACK_BYTES);
    }

    /** Binds and starts serving; returns the port actually bound (useful with port 0). */
    public synchronized int start() throws InterruptedException {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        acceptors = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(settings.ioThreads(), NioIoHandler.newFactory());
        RestApi api = new RestApi(core);
        WebSocketUpgrade webSocket = new WebSocketUpgrade(core, settings, webSockets);
        CorsConfig cors = corsConfig();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast("flush", new FlushConsolidationHandler(256, true))
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregator", new BoundedAggregator(maxRequestBytes))
                                .addLast("cors", new CorsHandler(cors))
                                .addLast("api", new HttpRequestHandler(api, webSocket, settings.maxJsonBytes()));
                    }
                });
        serverChannel = bootstrap.bind(settings.host(), settings.port()).sync().channel();
        int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        log.info("listening on http://{}:{} (WebSocket at {})", settings.host(), port, WebSocketUpgrade.PATH);
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

    private CorsConfig corsConfig() {
        CorsConfigBuilder builder = settings.corsOrigins().contains("*")
                ? CorsConfigBuilder.forAnyOrigin()
                : CorsConfigBuilder.forOrigins(settings.corsOrigins().toArray(String[]::new));
        return builder
                .allowCredentials()
                .allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
                        HttpMethod.DELETE, HttpMethod.OPTIONS)
                .allowedRequestHeaders("Authorization", "Content-Type", "Accept", "X-Requested-With")
                .maxAge(600)
                .build();
    }
}
