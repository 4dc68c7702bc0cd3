package io.relaychat.adapter.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.relaychat.ports.model.Refusal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * A route's condition for reading a body at all, decided on the head (the upload's: a good token, and an uploader
 * within their rate), before a byte of the body is read; a body let in may come with what is to read it (the
 * upload's {@link UploadReceiver}), handed on with its head ({@link Admitted}). While the check runs the body is on hold ({@link HttpExchanges#pause}): neither read
 * from the socket nor decoded. Whatever had been decoded with the head (an empty body's end, which comes in the
 * same read) is kept here and handed on after the head once the check passes, or dropped with the refusal.
 */
final class BodyGate extends ChannelInboundHandlerAdapter {
    /** What must hold before a route's body is read: null to read it at once, else a stage of the verdict. */
    @FunctionalInterface
    interface Check {
        CompletionStage<Verdict> beforeBody(HttpRequest head);
    }

    /** A refusal, answered at once; or none, the body let in, streamed to {@code upload} when there is one. */
    record Verdict(Refusal refusal, UploadReceiver upload) {
        static Verdict refused(Refusal refusal) {
            return new Verdict(refusal, null);
        }

        static Verdict streamedTo(UploadReceiver upload) {
            return new Verdict(null, upload);
        }
    }

    /** A head let in with the receiver of its body: what the next handler gets instead of the bare head. */
    record Admitted(HttpRequest head, UploadReceiver upload) {
    }

    private final Check check;
    private final HttpExchanges exchanges;
    /** The head being checked, then what was decoded after it; null while nothing is on hold. */
    private List<Object> held;

    BodyGate(Check check, HttpExchanges exchanges) {
        this.check = check;
        this.exchanges = exchanges;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (held != null) {
            held.add(msg);
            return;
        }
        if (msg instanceof HttpRequest head && head.decoderResult().isSuccess()) {
            CompletionStage<Verdict> checked;
            try {
                checked = check.beforeBody(head);
            } catch (RuntimeException e) {
                checked = CompletableFuture.failedFuture(e);
            }
            if (checked != null) {
                hold(ctx, head, checked);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void hold(ChannelHandlerContext ctx, HttpRequest head, CompletionStage<Verdict> checked) {
        held = new ArrayList<>(2);
        held.add(head);
        exchanges.pause(HttpExchanges.Pause.BODY_ON_HOLD);
        checked.whenComplete((verdict, error) -> {
            Verdict decided = error == null ? verdict : Verdict.refused(Refusal.internalError());
            try {
                ctx.executor().execute(() -> decided(ctx, head, decided));
            } catch (RejectedExecutionException stopping) {
                // the server is stopping, and this connection with it
                if (decided.upload() != null) {
                    decided.upload().abort();
                }
            }
        });
    }

    /** On the event loop; a task of its own, so that the decoder let go here never runs inside its own decode. */
    private void decided(ChannelHandlerContext ctx, HttpRequest head, Verdict verdict) {
        if (held == null || held.get(0) != head) {
            if (verdict.upload() != null) {
                verdict.upload().abort();
            }
            return; // the connection went away while the check ran
        }
        List<Object> messages = held;
        held = null;
        if (verdict.refusal() != null) {
            messages.forEach(ReferenceCountUtil::release);
            ctx.writeAndFlush(RestErrors.beforeTheBody(RestErrors.refused(verdict.refusal()), head.protocolVersion()));
        } else {
            if (verdict.upload() != null) {
                messages.set(0, new Admitted(head, verdict.upload()));
            }
            messages.forEach(ctx::fireChannelRead);
        }
        exchanges.resume(HttpExchanges.Pause.BODY_ON_HOLD);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        letGo();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        letGo();
    }

    private void letGo() {
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
            held = null;
        }
    }
}
