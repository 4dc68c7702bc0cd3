package io.relaychat.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The generated clients: Netty WebSocket connections, spread over several loopback source addresses (one
 * address holds at most ~28 000 ports towards one server port), each joined to its room.
 */
final class Fleet implements AutoCloseable {
    private final Options options;
    private final Measurements measurements;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    final List<Peer> peers = new ArrayList<>();
    /** What follows the stamp in every message: {@code |} and the padding's characters, or nothing. */
    private final String padding;
    /** Parsed once: every received message asks which node its sender and receiver talk to. */
    private final List<URI> nodes;

    Fleet(Options options, Measurements measurements) {
        this.options = options;
        this.measurements = measurements;
        this.nodes = options.nodes();
        this.padding = options.padding() == 0 ? "" : "|" + "p".repeat(options.padding() - 1);
    }

    /** Connects every peer and joins its room, at most connectConcurrency at a time; returns when all joined. */
    void connectAll(Setup.Plan plan) throws InterruptedException {
        connect(plan, index -> true);
    }

    /** Connects the peers whose index is {@code mine} (this process's share) and joins their rooms. */
    void connect(Setup.Plan plan, java.util.function.IntPredicate mine) throws InterruptedException {
        Semaphore inFlight = new Semaphore(options.connectConcurrency());
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (int i = 0; i < options.connections(); i++) {
            if (!mine.test(i)) {
                continue;
            }
            Peer peer = new Peer(i, i / options.roomSize(), i < options.stalledReaders(), i == 0 && !options.leaveAt().isZero());
            peers.add(peer);
            String token = plan.accounts().get(i).token();
            String roomId = plan.roomIds().get(peer.room);
            inFlight.acquire();
            peer.joined.whenComplete((done, error) -> inFlight.release());
            connect(bootstrap, peer, token, roomId);
            joins.add(peer.joined.orTimeout(60, TimeUnit.SECONDS));
        }
        CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).join();
    }

    private void connect(Bootstrap bootstrap, Peer peer, String token, String roomId) {
        URI node = nodes.get(nodeOf(peer.index));
        URI uri = URI.create("ws://" + node.getHost() + ":" + node.getPort() + "/api/ws?token=" + token);
        InetSocketAddress local = new InetSocketAddress("127.0.0." + (2 + peer.index % options.sourceAddresses()), 0);
        Bootstrap own = bootstrap.clone();
        if (peer.stalled) {
            // A small window, so that the kernel's buffers fill in seconds, not minutes, once it stops reading.
            own.option(ChannelOption.SO_RCVBUF, STALLED_RECEIVE_BUFFER);
        }
        own.handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(16 * 1024))
                        // Netty's UTF-8 check sits before the inflater and would read compressed bytes as text.
                        .addLast(new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(
                                uri, WebSocketVersion.V13, null, true, offer(), 1024 * 1024), true, true,
                                HANDSHAKE_TIMEOUT_MILLIS, !options.compression()))
                        .addLast(new WebSocketFrameAggregator(1024 * 1024));
                if (options.compression()) {
                    channel.pipeline().addLast(new InflatingHandler(1024 * 1024));
                }
                channel.pipeline().addLast(new PeerHandler(peer, roomId));
            }
        }).connect(new InetSocketAddress(node.getHost(), node.getPort()), local).addListener(connected -> {
            if (!connected.isSuccess()) {
                measurements.connectFailures.increment();
                peer.joined.completeExceptionally(connected.cause());
            }
        });
    }

    /** The upgrade's extra headers: the permessage-deflate offer with --compression, else none. */
    private HttpHeaders offer() {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (options.compression()) {
            headers.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, FrameInflater.OFFER);
        }
        return headers;
    }

    /**
     * Inflates each whole message that came compressed (RSV1), with one {@link FrameInflater} per connection;
     * the client's own frames go out uncompressed. A server that did not agree never sets RSV1.
     */
    private static final class InflatingHandler extends MessageToMessageDecoder<TextWebSocketFrame> {
        private final FrameInflater inflater;

        InflatingHandler(int maxBytes) {
            this.inflater = new FrameInflater(maxBytes);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, TextWebSocketFrame frame, List<Object> out) throws IOException {
            if ((frame.rsv() & 0x4) == 0) { // RSV1, as Netty numbers the bits
                out.add(frame.retain());
                return;
            }
            byte[] inflated = inflater.inflate(ByteBufUtil.getBytes(frame.content()));
            out.add(new TextWebSocketFrame(true, 0, Unpooled.wrappedBuffer(inflated)));
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            inflater.close();
        }
    }

    /** Reads what the server sends one connection; the fast path looks only at the fields it needs. */
    private final class PeerHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final Peer peer;
        private final String roomId;

        PeerHandler(Peer peer, String roomId) {
            this.peer = peer;
            this.roomId = roomId;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                peer.channel = ctx.channel();
                ctx.writeAndFlush(new TextWebSocketFrame("{\"action\":\"join_room\",\"room_id\":\"" + roomId + "\"}"));
            }
            ctx.fireUserEventTriggered(event);
        }

        /**
         * Frames are told apart by their first bytes, so that big ones the generator does not need (presence
         * maps of a 2 000-user room) are never decoded.
         */
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            measurements.frames.increment();
            ByteBuf content = frame.content();
            if (startsWith(content, CHAT_MESSAGE)) {
                long now = System.nanoTime();
                String text = content.toString(StandardCharsets.UTF_8);
                long seq = digitsAt(text, after(text, "\"seq\":"));
                int stamp = after(text, STAMP);
                long sentAt = digitsAt(text, stamp);
                long sender = digitsAt(text, text.indexOf('|', stamp) + 1);
                peer.onMessage(seq);
                measurements.delivered(now - sentAt, nodeOf(sender) != nodeOf(peer.index));
            } else if (startsWith(content, PRESENCE_UPDATE)) {
                if (peer.joined.complete(null) && peer.stalled) {
                    ctx.channel().config().setAutoRead(false);
                }
            } else if (startsWith(content, ERROR)) {
                measurements.serverError(content.toString(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peer.closed.complete(null);
            measurements.disconnects.increment();
            peer.joined.completeExceptionally(new IllegalStateException("connection closed before joining"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            measurements.serverError("client error: " + cause);
            ctx.close();
        }
    }

    private static final int STALLED_RECEIVE_BUFFER = 4096;
    /** Netty's default for a client handshake. */
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    /** Closes a connection as a browser tab does when it goes: a close frame (1000), then the socket. */
    void leave(Peer peer) {
        peer.channel.writeAndFlush(new CloseWebSocketFrame(1000, "bye"))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Lets a stalled reader read again, so that it notices whether the server has closed it meanwhile. */
    void resume(Peer peer) {
        if (peer.channel != null) {
            peer.channel.config().setAutoRead(true);
        }
    }

    /** A message's content: {@code lt|<due time, ns>|<sender's index>|<counter>}. */
    private static final String STAMP = "\"content\":\"lt|";
    private static final byte[] CHAT_MESSAGE = "{\"type\":\"chat_message\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PRESENCE_UPDATE = "{\"type\":\"presence_update\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "{\"type\":\"error\"".getBytes(StandardCharsets.US_ASCII);

    private static boolean startsWith(ByteBuf content, byte[] prefix) {
        if (content.readableBytes() < prefix.length) {
            return false;
        }
        int start = content.readerIndex();
        for (int i = 0; i < prefix.length; i++) {
            if (content.getByte(start + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Where the text after {@code marker} starts. */
    private static int after(String text, String marker) {
        int at = text.indexOf(marker);
        if (at < 0) {
            throw new IllegalArgumentException("no " + marker + " in " + text);
        }
        return at + marker.length();
    }

    private static long digitsAt(String text, int from) {
        long value = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** The node a connection talks to: connections take turns over the nodes. */
    private int nodeOf(long peerIndex) {
        return (int) (peerIndex % nodes.size());
    }

    /** Sends one message from the peer, stamped with the time it was scheduled to go and who sent it. */
    void send(Peer peer, String roomId, long scheduledAt, long counter) {
        peer.channel.writeAndFlush(new TextWebSocketFrame("{\"action\":\"send_message\",\"room_id\":\"" + roomId
                + "\"," + STAMP + scheduledAt + "|" + peer.index + "|" + counter + padding + "\"}"), peer.channel.voidPromise());
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
