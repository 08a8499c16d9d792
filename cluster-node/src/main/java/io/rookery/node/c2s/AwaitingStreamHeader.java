package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.node.ext.StreamFeature;
import io.rookery.protocol.sasl.SaslMechanisms;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StreamHeader;
import org.apache.pekko.actor.typed.Behavior;

/**
 * RFC 6120 §4.2-§4.3: the client's stream header, answered with ours and the features of the next step: STARTTLS
 * alone where TLS is mandatory-to-negotiate (§5.3.1), SASL (§6.3.1) and what modules offer before authentication,
 * or resource binding (§7.2) and what modules offer after it. Entered at the start and after each stream restart.
 */
final class AwaitingStreamHeader extends SessionState {
    static final AwaitingStreamHeader INSTANCE = new AwaitingStreamHeader();

    private AwaitingStreamHeader() {}

    @Override
    Behavior<Message> onStreamOpened(SessionActor s, StreamHeader h) {
        SessionServices services = s.services;
        s.streamId = services.newStreamId();
        // §4.7.2: a 'to' naming a domain we do not serve ends the stream with host-unknown.
        if (h.to() == null || !services.domain().equalsIgnoreCase(h.to())) {
            s.sendHeader(null);
            return s.streamError(StreamErrorCondition.HOST_UNKNOWN, null);
        }
        s.sendHeader(h.from());
        StringBuilder features = new StringBuilder(256).append("<stream:features>");
        SessionState next;
        StreamFeature.StreamContext stream = new StreamFeature.StreamContext(s.tlsActive);
        if (s.authenticated) {
            // §6.4.6: authenticated, so the restarted stream offers resource binding.
            features.append(bindingFeatures(s));
            next = AwaitingBind.INSTANCE;
        } else if (!s.tlsActive && services.tlsAvailable() && services.requireTls()) {
            // §5.3.1: STARTTLS is mandatory-to-negotiate, so it is the only feature offered.
            features.append("<starttls xmlns='").append(Namespaces.TLS).append("'><required/></starttls>");
            next = NegotiatingTls.INSTANCE;
        } else {
            if (!s.tlsActive && services.tlsAvailable()) {
                features.append("<starttls xmlns='").append(Namespaces.TLS).append("'/>");
            }
            features.append("<mechanisms xmlns='").append(Namespaces.SASL).append("'>");
            for (String mech : advertisedMechanisms(s)) {
                features.append("<mechanism>").append(mech).append("</mechanism>");
            }
            features.append("</mechanisms>");
            if (bindingOffered(s)) {
                // XEP-0440: the one channel-binding type the -PLUS mechanisms take here.
                features.append("<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>")
                        .append("<channel-binding type='tls-server-end-point'/></sasl-channel-binding>");
            }
            if (Sasl2Negotiation.offered(s)) features.append(Sasl2Negotiation.feature(s));
            features
                    .append(services.modules().streamFeatures(StreamFeature.Step.BEFORE_AUTHENTICATION, stream));
            next = Authenticating.INSTANCE;
        }
        features.append("</stream:features>");
        s.send(features.toString());
        s.processed();
        return s.become(next);
    }

    /** §7.2: resource binding and what modules offer after authentication. */
    static String bindingFeatures(SessionActor s) {
        return "<bind xmlns='" + Namespaces.BIND + "'/><session xmlns='" + Namespaces.SESSION
                + "'><optional/></session>" + boundFeatures(s);
    }

    /** What modules offer on an authenticated stream (all that follows a XEP-0386 bind, which bound already). */
    static String boundFeatures(SessionActor s) {
        return s.services.modules().streamFeatures(StreamFeature.Step.AFTER_AUTHENTICATION,
                new StreamFeature.StreamContext(s.tlsActive));
    }

    static java.util.List<String> advertisedMechanisms(SessionActor s) {
        var platform = s.services.platformLogins();
        // A password for the platform's callout, or a bearer token, only ever crosses TLS.
        boolean plain = platform.calloutEnabled() ? s.tlsActive : s.tlsActive || s.services.allowPlainWithoutTls();
        return SaslMechanisms.advertised(s.tlsActive, bindingOffered(s), plain, platform.jwtEnabled() && s.tlsActive);
    }

    /** Whether this stream offers the SCRAM -PLUS mechanisms: configured, and the binding data is known. */
    static boolean bindingOffered(SessionActor s) {
        return s.channelBinding != null && s.services.offerChannelBinding();
    }

    /** The parser delivers nothing before a header; should anything come, it is ignored as before. */
    @Override
    Behavior<Message> onElement(SessionActor s, Element e) {
        return s;
    }
}
