package io.relaychat.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.relaychat.testkit.Await;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A Netty WebSocket client that may offer permessage-deflate (Netty's own client extension, an implementation
 * apart from the server's), and notes for every text frame whether it arrived compressed (RSV1) before it is
 * inflated. Also sends raw frames as they are, for the inflate bomb.
 */
final class NettyWsClient implements AutoCloseable {
    static final int RSV1 = 0x4;

    /** One text frame as it came off the wire, and its text after inflating. */
    record Received(boolean compressed, JsonNode json) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<Boolean> compressedOnWire = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpHeaders> handshake = new CompletableFuture<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final Channel channel;

    private NettyWsClient(URI uri, boolean offerCompression) throws InterruptedException {
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13,
                null, true, new DefaultHttpHeaders(), 1024 * 1024);
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("http", new HttpClientCodec())
                                .addLast("aggregator", new HttpObjectAggregator(65536))
                                .addLast("wire", new WireRecorder());
                        if (offerCompression) {
                            ch.pipeline().addLast("compression", new WebSocketClientCompressionHandler(0));
                        }
                        ch.pipeline().addLast("client", new Client(handshaker));
                    }
                })
                .connect(uri.getHost(), uri.getPort()).sync().channel();
        handshaker.handshake(channel).sync();
    }

    static NettyWsClient connect(String uri, boolean offerCompression) {
        try {
            NettyWsClient client = new NettyWsClient(URI.create(uri), offerCompression);
            Await.result(client.handshake);
            return client;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Sits between the frame decoder and the inflater once the handshake is done: sees frames as sent. */
    private final class WireRecorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame text) {
                compressedOnWire.add((text.rsv() & RSV1) != 0);
            }
            ctx.fireChannelRead(msg);
        }
    }

    private final class Client extends SimpleChannelInboundHandler<Object> {
        private final WebSocketClientHandshaker handshaker;

        Client(WebSocketClientHandshaker handshaker) {
            this.handshaker = handshaker;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (!handshaker.isHandshakeComplete() && msg instanceof FullHttpResponse response) {
                handshaker.finishHandshake(ctx.channel(), response);
                handshake.complete(response.headers().copy());
            } else if (msg instanceof TextWebSocketFrame text) {
                boolean compressed = compressedOnWire.get(received.size());
                received.add(new Received(compressed, Api.JSON.readTree(text.text())));
            } else if (msg instanceof CloseWebSocketFrame close) {
                closeCode.complete(close.statusCode());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeCode.complete(-1);
            handshake.completeExceptionally(new IllegalStateException("closed before the handshake"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.completeExceptionally(cause);
            ctx.close();
        }
    }

    HttpHeaders handshakeResponse() {
        return Await.result(handshake);
    }

    void send(Map<String, ?> frame) {
        channel.writeAndFlush(new TextWebSocketFrame(Api.write(frame))).syncUninterruptibly();
    }

    /** A frame as it is: with {@code rsv} RSV1, the client's compressor leaves it alone. */
    void sendRaw(int rsv, byte[] payload) {
        ByteBuf content = Unpooled.wrappedBuffer(payload);
        WebSocketFrame frame = new TextWebSocketFrame(true, rsv, content);
        channel.writeAndFlush(frame).syncUninterruptibly();
    }

    Received awaitFrame(String what, Predicate<JsonNode> matches) {
        Await.until(what, () -> received.stream().anyMatch(frame -> matches.test(frame.json())));
        return received.stream().filter(frame -> matches.test(frame.json())).findFirst().orElseThrow();
    }

    Received awaitType(String type) {
        return awaitFrame("a " + type + " frame", frame -> frame.path("type").asText().equals(type));
    }

    List<Received> frames() {
        return List.copyOf(received);
    }

    int awaitCloseCode() {
        return Await.result(closeCode);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
