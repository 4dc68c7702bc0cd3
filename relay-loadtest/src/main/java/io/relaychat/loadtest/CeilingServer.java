package io.relaychat.loadtest;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling RelayChat is measured against: a bare Netty broadcast server speaking the same wire format,
 * with none of the work a chat server must do — no authentication (any token), no storage, no membership
 * or content checks, no presence beyond answering a join. Each broadcast is encoded once and its bytes
 * shared by every recipient; messages of a room go out in seq order. Whatever RelayChat adds shows as the
 * ratio between the two, measured in the same run on the same machine.
 */
final class CeilingServer implements AutoCloseable {
    /** The server's own default transport (epoll where it loads), so that the two differ in their work alone. */
    private static final boolean EPOLL = Epoll.isAvailable();
    private final EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, handlers());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, handlers());
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Channel server;

    /** The members of one room and its seq; fan-out happens under its lock so that seq order holds. */
    private static final class Room {
        final List<Channel> members = new CopyOnWriteArrayList<>();
        long seq;
    }

    private static IoHandlerFactory handlers() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    CeilingServer(String host, int port) throws InterruptedException {
        server = new ServerBootstrap().group(acceptors, workers)
                .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast(new FlushConsolidationHandler(256, true))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(65536))
                                .addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/api/ws").checkStartsWith(true).maxFramePayloadLength(65536).build()))
                                .addLast(new Handler());
                    }
                }).bind(host, port).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            String text = frame.text();
            String roomId = stringField(text, "room_id");
            if (text.contains("\"action\":\"join_room\"")) {
                rooms.computeIfAbsent(roomId, id -> new Room()).members.add(ctx.channel());
                ctx.channel().closeFuture().addListener(closed -> rooms.get(roomId).members.remove(ctx.channel()));
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"presence_update\",\"room_id\":\"" + roomId
                        + "\",\"online_users\":{}}"));
            } else if (text.contains("\"action\":\"send_message\"")) {
                broadcast(rooms.computeIfAbsent(roomId, id -> new Room()), roomId, stringField(text, "content"));
            }
        }
    }

    private void broadcast(Room room, String roomId, String content) {
        synchronized (room) {
            long seq = ++room.seq;
            String json = "{\"type\":\"chat_message\",\"id\":\"" + UUID.randomUUID() + "\",\"room_id\":\"" + roomId
                    + "\",\"user_id\":\"u\",\"username\":\"u\",\"content\":\"" + content + "\",\"timestamp\":\""
                    + Instant.now() + "\",\"attachments\":[],\"seq\":" + seq + "}";
            ByteBuf encoded = ByteBufUtil.encodeString(io.netty.buffer.ByteBufAllocator.DEFAULT,
                    java.nio.CharBuffer.wrap(json), StandardCharsets.UTF_8);
            try {
                for (Channel member : room.members) {
                    ByteBuf shared = encoded.retainedDuplicate();
                    // Through the loop's queue even from the loop itself, so that the room's order holds.
                    member.eventLoop().execute(() -> member.writeAndFlush(new TextWebSocketFrame(shared), member.voidPromise()));
                }
            } finally {
                encoded.release();
            }
        }
    }

    /** The string value of a top-level field, by scanning: the ceiling does no JSON parsing. */
    static String stringField(String json, String field) {
        String marker = "\"" + field + "\":\"";
        int start = json.indexOf(marker);
        if (start < 0) {
            return "";
        }
        start += marker.length();
        int end = start;
        while (end < json.length() && (json.charAt(end) != '"' || json.charAt(end - 1) == '\\')) {
            end++;
        }
        return json.substring(start, end);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
