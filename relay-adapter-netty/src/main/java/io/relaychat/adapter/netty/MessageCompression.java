package io.relaychat.adapter.netty;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * permessage-deflate (RFC 7692) on the WebSocket upgrade: agrees on it with a client that offers it, and puts
 * the compressor and the decompressor in the connection's pipeline. Chosen so that it costs little and leaks
 * nothing:
 * <ul>
 *   <li><b>No context takeover from the server.</b> Every message the server sends is compressed on its own, with a
 *   fresh deflater that is let go once the message is out: a connection holds no deflater between messages (with
 *   takeover it would hold about 256 KiB of native memory for good), and no message shares a compression context
 *   with another, so text an attacker sends to a room is never compressed together with anything else its
 *   recipients get. The server does this without saying so ({@code server_no_context_takeover} is not added to
 *   the answer unasked): a client's inflater reads such messages whatever it expects, and some clients refuse
 *   parameters they did not offer. The price is the ratio: the keys repeated from one frame to the next are not
 *   reused.</li>
 *   <li><b>The client's context as it chooses.</b> A client that offers {@code client_no_context_takeover} is
 *   granted it, and its messages are then inflated each with a fresh inflater; one that does not keeps its
 *   context, and its connection an inflater (about 40 KiB of native memory) from its first compressed frame on.</li>
 *   <li><b>Small frames go out as they are</b> ({@link WebSocketCompression#minBytes()}).</li>
 *   <li><b>Bounded inflation.</b> A frame inflates to at most the largest message ({@code maxFrameBytes}); a
 *   frame that would inflate further stops there ({@link #inflatedTooLarge}) and is closed 1009 like any other
 *   message over the limit, so a few KiB that inflate to gigabytes cost the node at most that much.</li>
 * </ul>
 * The window stays at 15 bits: a smaller one needs JZlib, which the node does not ship. A broadcast is still
 * encoded once per node; it is compressed once per recipient connection.
 */
final class MessageCompression {
    private static final String DEFLATE = "ws-deflate";
    static final String EXTENSION = "permessage-deflate";
    private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";
    private static final int COMPRESSION_LEVEL = 6;
    private static final int MAX_WINDOW_BITS = 15;
    /** What Netty says when a frame would inflate past the bound it was given; any other failure is corrupt data. */
    private static final String BUFFER_LIMIT = "Decompression buffer has reached maximum size";

    private final WebSocketServerExtensionHandshaker handshaker;

    MessageCompression(WebSocketCompression settings, int maxFrameBytes) {
        int minBytes = settings.minBytes();
        WebSocketExtensionFilter smallFrames = frame -> frame.content().readableBytes() < minBytes;
        WebSocketExtensionFilterProvider filters = new WebSocketExtensionFilterProvider() {
            @Override
            public WebSocketExtensionFilter encoderFilter() {
                return smallFrames;
            }

            @Override
            public WebSocketExtensionFilter decoderFilter() {
                return WebSocketExtensionFilter.NEVER_SKIP;
            }
        };
        // allowServerWindowSize false: an offer asking for a smaller server window is declined, since the JDK's
        // zlib only deflates with 15 bits; the client's window may be anything, an inflater of 15 bits reads it.
        this.handshaker = new PerMessageDeflateServerExtensionHandshaker(COMPRESSION_LEVEL, false, MAX_WINDOW_BITS,
                true, true, filters, maxFrameBytes);
    }

    /**
     * What was agreed with a client: {@code answered} is what the upgrade's answer says and how the client's
     * frames are inflated; {@code sending} compresses the server's frames, each message on its own.
     */
    record Agreed(WebSocketServerExtension answered, WebSocketServerExtension sending) {
    }

    /** The extension agreed with the first acceptable permessage-deflate offer of the upgrade, if there is one. */
    Optional<Agreed> negotiate(HttpHeaders request) {
        String offered = request.get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        if (offered == null) {
            return Optional.empty();
        }
        List<WebSocketExtensionData> offers;
        try {
            offers = WebSocketExtensionUtil.extractExtensions(offered);
        } catch (RuntimeException malformed) {
            return Optional.empty(); // answered as an upgrade without extensions
        }
        for (WebSocketExtensionData offer : offers) {
            if (!EXTENSION.equals(offer.name())) {
                continue;
            }
            try {
                WebSocketServerExtension answered = handshaker.handshakeExtension(offer);
                if (answered != null) {
                    return Optional.of(new Agreed(answered, handshaker.handshakeExtension(withoutServerContext(offer))));
                }
            } catch (RuntimeException malformed) {
                // a parameter that does not parse: the next offer, or none
            }
        }
        return Optional.empty();
    }

    /** The offer as if the client had asked the server not to take its context over, which the handshaker grants. */
    private static WebSocketExtensionData withoutServerContext(WebSocketExtensionData offer) {
        Map<String, String> parameters = new LinkedHashMap<>(offer.parameters());
        parameters.putIfAbsent(SERVER_NO_CONTEXT, null);
        return new WebSocketExtensionData(offer.name(), parameters);
    }

    /** The Sec-WebSocket-Extensions answer to the offer agreed. */
    static String responseHeader(Agreed agreed) {
        WebSocketExtensionData data = agreed.answered().newReponseData();
        StringBuilder header = new StringBuilder(data.name());
        data.parameters().forEach((name, value) -> {
            header.append("; ").append(name);
            if (value != null) {
                header.append('=').append(value);
            }
        });
        return header.toString();
    }

    /**
     * Once the handshake has put the frame codec in: the decompressor right behind the frame decoder (so that the
     * UTF-8 check and the message bound see inflated bytes), the compressor right in front of the frame encoder.
     */
    static void install(ChannelPipeline pipeline, Agreed agreed) {
        pipeline.addAfter("wsdecoder", "ws-inflate", agreed.answered().newExtensionDecoder());
        pipeline.addAfter("wsencoder", DEFLATE, agreed.sending().newExtensionEncoder());
    }

    /** Whether this WebSocket's frames are compressed, so that each is a frame of its own, not shared bytes. */
    static boolean isInstalled(ChannelPipeline pipeline) {
        return pipeline.get(DEFLATE) != null;
    }

    /** Whether a failure is a frame that would have inflated past the largest message, not corrupt data. */
    static boolean inflatedTooLarge(Throwable failure) {
        return failure instanceof DecompressionException && failure.getMessage() != null
                && failure.getMessage().startsWith(BUFFER_LIMIT);
    }
}
