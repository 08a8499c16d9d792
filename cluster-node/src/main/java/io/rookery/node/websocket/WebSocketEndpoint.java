package io.rookery.node.websocket;

import io.rookery.node.c2s.C2sListener;
import io.rookery.node.config.RookerySettings;
import io.rookery.node.limits.AddressKey;
import io.rookery.protocol.websocket.WebSocketFraming;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * XMPP over WebSocket (RFC 7395) at {@code rookery.http.websocket.path}: an upgrade asking for the {@code xmpp}
 * subprotocol (§3.1) from an allowed origin becomes a session like a TCP one. Each text message is translated to
 * stream bytes ({@link WebSocketFraming#toStream}) and fed to the same {@link io.rookery.node.c2s.ConnectionStage}
 * and session behaviour as TCP, whose output is split back into one message per element. The connection counts
 * against its address's unauthenticated connections as TCP ones do.
 */
public final class WebSocketEndpoint {
    private final C2sListener listener;
    private final RookerySettings.HttpSettings settings;
    /** The largest text a message may carry: a stanza the stream would accept, plus room for its framing. */
    private final int maxMessageChars;
    private final io.rookery.node.metrics.NodeMetrics.Listener metrics;

    public WebSocketEndpoint(C2sListener listener, RookerySettings.HttpSettings settings, int maxStanzaBytes,
            io.rookery.node.metrics.NodeMetrics.Listener metrics) {
        this.listener = listener;
        this.metrics = metrics;
        this.settings = settings;
        this.maxMessageChars = maxStanzaBytes + 1024;
    }

    /** The same on both listeners: sessions count as under TLS (HTTPS; plain HTTP on loopback or behind a proxy). */
    public Route route() {
        String path = settings.webSocketPath().substring(1);
        Route inner = Directives.attribute(AttributeKeys.remoteAddress, remote ->
                Directives.optionalHeaderValueByName("Origin", origin -> {
                    if (origin.isPresent() && !settings.allowedOrigins().isEmpty()
                            && !settings.allowedOrigins().contains(origin.get())) {
                        return Directives.complete(StatusCodes.FORBIDDEN, "origin not allowed\n");
                    }
                    return Directives.extractWebSocketUpgrade(upgrade -> upgrade(upgrade,
                            remote.getAddress().map(AddressKey::of).orElse(AddressKey.UNKNOWN)));
                }));
        return path.isEmpty() ? Directives.pathSingleSlash(() -> inner)
                : Directives.path(PathMatchers.separateOnSlashes(path), () -> inner);
    }

    private Route upgrade(WebSocketUpgrade upgrade, long address) {
        boolean xmpp = false;
        for (String p : upgrade.getRequestedProtocols()) xmpp |= WebSocketFraming.SUBPROTOCOL.equals(p);
        if (!xmpp) {
            // RFC 7395 §3.1: the server speaks XMPP only to a client that asked for the subprotocol.
            return Directives.complete(StatusCodes.BAD_REQUEST, "the xmpp subprotocol is required (RFC 7395)\n");
        }
        if (!listener.admitWeb(address, metrics)) {
            return Directives.complete(StatusCodes.SERVICE_UNAVAILABLE,
                    "too many unauthenticated connections from this address\n");
        }
        return Directives.complete(upgrade.handleMessagesWith(flow(address), WebSocketFraming.SUBPROTOCOL));
    }

    /** One connection: messages in, stream bytes through the connection stage, messages out. */
    private Flow<Message, Message, NotUsed> flow(long address) {
        return Flow.<Message>create()
                .flatMapConcat(this::text)
                .map(text -> ByteString.fromString(WebSocketFraming.toStream(text)))
                .via(Flow.fromGraph(listener.webStage(address, metrics)))
                .statefulMapConcat(() -> {
                    WebSocketFraming.Outbound outbound = new WebSocketFraming.Outbound();
                    return bytes -> {
                        List<String> messages = outbound.messages(bytes.utf8String());
                        return messages.stream().map(m -> (Message) TextMessage.create(m)).toList();
                    };
                });
    }

    /**
     * A message's text: at once when it came whole, else gathered up to maxMessageChars (more fails the connection,
     * as the stream would refuse such a stanza). A binary message is read as UTF-8 (RFC 7395 §3.2 asks clients for
     * text frames; some libraries send binary ones).
     */
    private Source<String, NotUsed> text(Message m) {
        if (m.isText()) {
            TextMessage t = m.asTextMessage();
            if (t.isStrict()) return Source.single(t.getStrictText());
            return t.getStreamedText().limitWeighted(maxMessageChars, t2 -> (long) t2.length())
                    .fold(new StringBuilder(), StringBuilder::append).map(StringBuilder::toString)
                    .mapMaterializedValue(x -> NotUsed.getInstance());
        }
        var b = m.asBinaryMessage();
        if (b.isStrict()) return Source.single(b.getStrictData().utf8String());
        return b.getStreamedData().limitWeighted(maxMessageChars, b2 -> (long) b2.size())
                .fold(ByteString.emptyByteString(), ByteString::concat).map(ByteString::utf8String)
                .mapMaterializedValue(x -> NotUsed.getInstance());
    }
}
