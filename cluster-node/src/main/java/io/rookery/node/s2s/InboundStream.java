package io.rookery.node.s2s;

import io.rookery.node.routing.Router;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.s2s.Dialback;
import io.rookery.protocol.s2s.ServerStreams;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StreamError;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StreamHeader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream a remote server opened to us (RFC 6120 §4-§6 as the receiving server): TLS required by default, then the
 * peer proves its domain with SASL EXTERNAL when its certificate names it (XEP-0178), or with dialback (XEP-0220),
 * whose key this node checks through the outbound link to the peer's domain ({@link RemoteDomainEntity.Verify}) unless
 * the certificate already authenticates the domain (XEP-0344 §2.4). A stream may carry several of the peer's domains,
 * each authenticated in turn. Stanzas from an authenticated domain to a domain of ours go to the router, with their
 * 'from' checked against the domain (RFC 6120 §13.3). Answers {@code db:verify} for keys this cluster gave out.
 */
final class InboundStream extends AbstractBehavior<InboundStream.Command> {
    private static final Logger LOG = LoggerFactory.getLogger(InboundStream.class);

    interface Command extends org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    private record StageEvent(S2sStage.Event event) implements Command {}

    /** The answer about {@code domain}'s key for our domain {@code to}. */
    private record Checked(String domain, String to, RemoteDomainEntity.Verified verified) implements Command {}

    private enum Timeout implements Command { NEGOTIATION, IDLE }

    record Shared(String localDomain, S2sSettings settings, S2sTls tls, Router router, byte[] dialbackSecret,
            ClusterSharding sharding, S2sMetrics metrics) {}

    static Behavior<S2sStage.Event> create(Shared shared) {
        return Behaviors.transformMessages(S2sStage.Event.class,
                Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers -> new InboundStream(ctx, timers, shared))),
                pf -> pf.match(S2sStage.Event.class, StageEvent::new));
    }

    private final Shared shared;
    private final TimerScheduler<Command> timers;
    private final String local;
    private final StreamWriter out = new StreamWriter();
    /** Our header went out: a stream error needs none before it (RFC 6120 §4.9.1.1). */
    private boolean headerSent;
    private String streamId;
    private String peer;
    private boolean tlsOn;
    private SSLSession session;
    private boolean saslDone;
    private final Set<String> authenticated = new HashSet<>();
    private final Set<String> pending = new HashSet<>();
    private java.net.InetSocketAddress remote;

    private InboundStream(ActorContext<Command> ctx, TimerScheduler<Command> timers, Shared shared) {
        super(ctx);
        this.shared = shared;
        this.timers = timers;
        this.local = shared.localDomain();
        timers.startSingleTimer(Timeout.NEGOTIATION, shared.settings().negotiationTimeout());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(StageEvent.class, this::onStage)
                .onMessage(Checked.class, this::onChecked)
                .onMessageEquals(Timeout.NEGOTIATION, () -> {
                    if (authenticated.isEmpty()) streamError(StreamErrorCondition.CONNECTION_TIMEOUT,
                            "no domain authenticated in time");
                    return this;
                })
                .onMessageEquals(Timeout.IDLE, () -> {
                    close();
                    return this;
                })
                .build();
    }

    private Behavior<Command> onStage(StageEvent se) {
        S2sStage.Event e = se.event();
        if (e instanceof S2sStage.Ready r) {
            out.attach(r.stage());
            remote = r.remote();
        } else if (e instanceof S2sStage.TlsUp t) {
            session = t.session();
            tlsOn = true;
        } else if (e instanceof S2sStage.Opened o) {
            onOpened(o.header());
        } else if (e instanceof S2sStage.Received r) {
            timers.startSingleTimer(Timeout.IDLE, shared.settings().idleTimeout());
            onElement(r.element());
        } else if (e instanceof S2sStage.Violation v) {
            streamError(v.condition(), v.text());
        } else if (e instanceof S2sStage.PeerClosed) {
            close();
        } else if (e instanceof S2sStage.Ended) {
            shared.metrics().inboundClosed();
            LOG.debug("s2s-in-closed peer={} remote={}", peer, remote);
            return Behaviors.stopped();
        }
        return this;
    }

    /** RFC 6120 §4.7: answer the peer's header with ours (a fresh id per stream) and the features of this step. */
    private void onOpened(StreamHeader h) {
        streamId = StreamWriter.newId();
        String to = h.to() == null ? null : h.to().toLowerCase(Locale.ROOT);
        out.write(ServerStreams.header(to != null && serves(to) ? to : local, h.from(), streamId));
        headerSent = true;
        if (!Namespaces.SERVER.equals(h.defaultNamespace())) {
            streamError(StreamErrorCondition.INVALID_NAMESPACE, "a server stream is jabber:server");
            return;
        }
        if (to == null || !serves(to)) {
            streamError(StreamErrorCondition.HOST_UNKNOWN, null);
            return;
        }
        if (h.from() != null) peer = h.from().toLowerCase(Locale.ROOT);
        StringBuilder f = new StringBuilder("<stream:features>");
        if (!tlsOn) {
            f.append("<starttls xmlns='").append(Namespaces.TLS).append("'>")
                    .append(shared.settings().requireEncryption() ? "<required/>" : "").append("</starttls>");
            if (!shared.settings().requireEncryption() && shared.settings().dialback()) dialbackFeature(f);
        } else if (!saslDone) {
            if (peer != null && shared.tls().authenticates(session, peer) && shared.settings().permits(peer)) {
                f.append("<mechanisms xmlns='").append(Namespaces.SASL)
                        .append("'><mechanism>EXTERNAL</mechanism></mechanisms>");
            }
            if (shared.settings().dialback()) dialbackFeature(f);
        }
        write(f.append("</stream:features>").toString());
    }

    private static void dialbackFeature(StringBuilder f) {
        f.append("<dialback xmlns='").append(Dialback.FEATURE_NS).append("'><errors/></dialback>");
    }

    private void onElement(Element e) {
        if (out.closing()) return;
        if (e.is("starttls", Namespaces.TLS) && !tlsOn) {
            write("<proceed xmlns='" + Namespaces.TLS + "'/>", S2sStage.Write.START_TLS);
        } else if (e.is("auth", Namespaces.SASL)) {
            onAuth(e);
        } else if (Dialback.isResult(e)) {
            onDialbackResult(e);
        } else if (Dialback.isVerify(e)) {
            onDialbackVerify(e);
        } else if (Namespaces.SERVER.equals(e.namespace())
                && (e.name().equals("message") || e.name().equals("presence") || e.name().equals("iq"))) {
            onStanza(e);
        } else if (e.is("error", Namespaces.STREAM)) {
            LOG.info("s2s-in-stream-error peer={} error={}", peer, e);
        } else {
            streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, null);
        }
    }

    /** XEP-0178 §3: the certificate must name the domain, which is the authorization identity when one is given. */
    private void onAuth(Element auth) {
        String text = auth.text().trim();
        String authzid = null;
        if (!text.isEmpty() && !text.equals("=")) {
            try {
                authzid = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                write("<failure xmlns='" + Namespaces.SASL + "'><incorrect-encoding/></failure>");
                return;
            }
        }
        String domain = authzid == null ? peer : authzid;
        if (!"EXTERNAL".equals(auth.attr("mechanism")) || saslDone || !tlsOn) {
            write("<failure xmlns='" + Namespaces.SASL + "'><invalid-mechanism/></failure>");
        } else if (domain == null || (peer != null && !domain.equals(peer))) {
            write("<failure xmlns='" + Namespaces.SASL + "'><invalid-authzid/></failure>");
        } else if (!shared.settings().permits(domain) || !shared.tls().authenticates(session, domain)) {
            write("<failure xmlns='" + Namespaces.SASL + "'><not-authorized/></failure>");
        } else {
            saslDone = true;
            authenticate(domain, "sasl-external");
            write("<success xmlns='" + Namespaces.SASL + "'/>", S2sStage.Write.RESTART);
        }
    }

    private void onDialbackResult(Element e) {
        String from = lower(e.attr("from"));
        String to = lower(e.attr("to"));
        if (from == null || to == null) {
            streamError(StreamErrorCondition.IMPROPER_ADDRESSING, null);
            return;
        }
        if (!serves(to)) {
            write(Dialback.resultError(to, from, "item-not-found"));
            return;
        }
        if (!shared.settings().dialback() || !shared.settings().permits(from)
                || (!tlsOn && shared.settings().requireEncryption())) {
            write(Dialback.resultError(to, from, "not-allowed"));
            return;
        }
        if (tlsOn && shared.tls().authenticates(session, from)) {
            // XEP-0344 §2.4: the certificate already proves the domain; asking its server adds nothing.
            authenticate(from, "dialback-certificate");
            write(Dialback.resultAnswer(to, from, true));
            return;
        }
        if (shared.settings().requireValidCertificates()) {
            LOG.info("s2s-in-refused peer={} reason=certificate-does-not-authenticate", from);
            write(Dialback.resultAnswer(to, from, false));
            return;
        }
        pending.add(from);
        ActorRef<RemoteDomainEntity.Verified> reply = getContext().messageAdapter(RemoteDomainEntity.Verified.class,
                v -> new Checked(from, to, v));
        shared.sharding().entityRefFor(RemoteDomainEntity.TYPE_KEY, RemoteDomainEntity.entityId(to, local, from))
                .tell(new RemoteDomainEntity.Verify(streamId, e.text().trim(), reply));
    }

    private Behavior<Command> onChecked(Checked c) {
        if (!pending.remove(c.domain()) || out.closing()) return this;
        Boolean valid = c.verified().valid();
        if (valid == null) {
            write(Dialback.resultError(c.to(), c.domain(), "remote-server-not-found"));
        } else {
            if (valid) authenticate(c.domain(), "dialback");
            else LOG.info("s2s-in-refused peer={} reason=dialback-key-invalid", c.domain());
            write(Dialback.resultAnswer(c.to(), c.domain(), valid));
        }
        return this;
    }

    /** XEP-0220 §2.2.2: we are the authoritative server; the key is right when our secret makes the same one. */
    private void onDialbackVerify(Element e) {
        String from = lower(e.attr("from"));
        String to = lower(e.attr("to"));
        String id = e.attr("id");
        if (from == null || to == null || id == null) {
            streamError(StreamErrorCondition.IMPROPER_ADDRESSING, null);
            return;
        }
        boolean valid = serves(to) && Dialback.sameKey(e.text().trim(),
                Dialback.key(shared.dialbackSecret(), from, to, id));
        write(Dialback.verifyAnswer(to, from, id, valid));
    }

    /** RFC 6120 §13.3: the 'from' must be of a domain this stream authenticated, the 'to' one of ours. */
    private void onStanza(Element stanza) {
        Jid from;
        Jid to;
        try {
            from = Jid.parse(stanza.attr("from"));
            to = Jid.parse(stanza.attr("to"));
        } catch (InvalidJidException | NullPointerException e) {
            streamError(StreamErrorCondition.IMPROPER_ADDRESSING, "a stanza between servers needs from and to");
            return;
        }
        if (!authenticated.contains(from.domain())) {
            streamError(authenticated.isEmpty() ? StreamErrorCondition.NOT_AUTHORIZED
                    : StreamErrorCondition.INVALID_FROM, null);
            return;
        }
        if (!serves(to.domain())) {
            streamError(StreamErrorCondition.HOST_UNKNOWN, null);
            return;
        }
        shared.metrics().stanzaIn();
        if (LOG.isDebugEnabled()) LOG.debug("s2s-in-stanza peer={} stanza={}", peer, stanza);
        shared.router().route(ServerStreams.fromServer(stanza), to);
    }

    private void authenticate(String domain, String how) {
        authenticated.add(domain);
        timers.cancel(Timeout.NEGOTIATION);
        timers.startSingleTimer(Timeout.IDLE, shared.settings().idleTimeout());
        LOG.info("s2s-in-authenticated peer={} auth={} remote={}", domain, how, remote);
    }

    private boolean serves(String domain) {
        if (domain.equals(local)) return true;
        try {
            return shared.router().classify(Jid.parse(domain)) != Router.Destination.REMOTE;
        } catch (InvalidJidException e) {
            return false;
        }
    }

    private void streamError(StreamErrorCondition condition, String text) {
        String header = headerSent ? "" : ServerStreams.header(local, null, StreamWriter.newId());
        if (out.close(header + new StreamError(condition, text).toXml())) {
            LOG.info("s2s-in-stream-error-sent peer={} condition={} text={}", peer, condition, text);
        }
    }

    private void close() {
        out.close("");
    }

    private void write(String xml) {
        out.write(xml);
    }

    private void write(String xml, int controls) {
        out.write(xml, controls);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
