package io.rookery.node.c2s;

import io.rookery.node.ext.CoreFeature;
import io.rookery.node.ext.ResourceFlags;
import io.rookery.node.ext.StreamExtension;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.SaslCondition;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xep.carbons.Carbons;
import io.rookery.protocol.xep.fast.Fast;
import io.rookery.protocol.xep.sasl2.Sasl2;
import io.rookery.protocol.xep.sm.StreamManagement;
import io.rookery.protocol.xml.Element;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;

/**
 * XEP-0388 SASL2 and XEP-0386 Bind 2 on a client stream. The SASL steps are {@link Authenticating}'s, framed in the
 * SASL2 namespace; what differs is the end: no stream restart, and before {@code <success/>} the inline requests are
 * carried out, in the XEP's order: XEP-0198 resumption first, then (when there is none, or it failed) the bind with
 * what it enables inline. The success then names the full JID and holds their results, and the stream features of
 * the authenticated stream follow at once.
 */
final class Sasl2Negotiation {
    private Sasl2Negotiation() {}

    /** One SASL2 negotiation in progress on a session: the request, and what the success will carry. */
    static final class Login {
        final Sasl2.Authenticate request;
        byte[] additionalData;
        /** XEP-0198's {@code <failed/>} for an inline resumption that failed; the bind goes ahead. */
        String resumeFailed;
        /** An inline resumption was asked for and is under way: its answer ends up inside the success. */
        boolean resuming;
        /** The flags the bind switches on for the resource (XEP-0280 carbons). */
        int flags;
        /** A login with a XEP-0484 token: its mechanism, proof and (once checked) verdict; null otherwise. */
        FastLogin.Attempt fast;
        /** XEP-0484's {@code <token/>} for the success, once the account keeps it; null when none is handed out. */
        String tokenXml;

        /** request null: a request that could not be read (or was aborted), kept only to frame its failure. */
        Login(Sasl2.Authenticate request) {
            this.request = request;
        }
    }

    static boolean offered(SessionActor s) {
        return s.services.modules().enabled(CoreFeature.SASL2);
    }

    /** §2.1: the {@code <authentication/>} feature with Bind 2 and XEP-0198 inline, beside RFC 6120's mechanisms. */
    static String feature(SessionActor s) {
        List<String> inline = new ArrayList<>(3);
        if (s.services.modules().enabled("carbons")) inline.add(Carbons.NS);
        boolean sm = s.services.modules().streamExtension(StreamManagement.NS) != null;
        if (sm) inline.add(StreamManagement.NS);
        if (s.services.modules().clientState() != null) inline.add(s.services.modules().clientState().namespace());
        List<String> tokens = FastLogin.mechanisms(s);
        String inlineXml = Sasl2.bindFeature(inline) + (sm ? "<sm xmlns='" + StreamManagement.NS + "'/>" : "")
                + (tokens.isEmpty() ? "" : Fast.feature(tokens));
        return Sasl2.feature(AwaitingStreamHeader.advertisedMechanisms(s), inlineXml);
    }

    /** §2.3: the client's {@code <authenticate/>}; null when it is malformed. */
    static Login begin(Element e) {
        Sasl2.Authenticate request = Sasl2.Authenticate.read(e);
        return request == null ? null : new Login(request);
    }

    /**
     * The mechanism succeeded: the client is authenticated (no restart, §2.6.1). What was asked inline happens now;
     * the success is written once it has.
     */
    static Behavior<Message> authenticated(SessionActor s, byte[] additionalData) {
        Login login = s.sasl2;
        login.additionalData = additionalData;
        s.sasl = null;
        s.authenticated = true;
        s.control(ConnectionStage.Out.AUTHENTICATED);
        s.become(AwaitingBind.INSTANCE);
        if (FastLogin.keep(s)) return s;
        return inline(s);
    }

    /** The inline requests, once the token events of the login (if any) are kept. */
    static Behavior<Message> inline(SessionActor s) {
        Login login = s.sasl2;
        Element resume = login.request.resume();
        StreamExtension sm = s.services.modules().streamExtension(StreamManagement.NS);
        if (resume != null && sm != null) {
            StreamExtension.Outcome outcome = sm.start(resume, null);
            if (outcome.resumeId() != null) {
                login.resuming = true;
                return Resumption.resume(s, sm, outcome.resumeId(), outcome.resumeResource(),
                        outcome.resumeHandled());
            }
            login.resumeFailed = outcome.xml().isEmpty() ? sm.resumeFailed() : outcome.xml();
        }
        return bindOrSucceed(s);
    }

    /** After authentication (and a resumption that failed): the inline bind, or a success with the bare JID. */
    private static Behavior<Message> bindOrSucceed(SessionActor s) {
        Login login = s.sasl2;
        Element bind = login.request.bind();
        if (bind == null) {
            // Authenticated only: the client binds the RFC 6120 way (or with a later request), as after SASL.
            s.sasl2 = null;
            s.send(Sasl2.success(login.additionalData, s.user.toString(), extra(login, login.resumeFailed)));
            s.send("<stream:features>" + AwaitingStreamHeader.bindingFeatures(s) + "</stream:features>");
            return s.processed();
        }
        String resource = resource(s, bind.childText("tag", Sasl2.BIND_NS), login.request.userAgentId());
        try {
            s.full = s.user.withResource(resource);
        } catch (InvalidJidException | RuntimeException ex) {
            resource = s.services.newResource();
            try {
                s.full = s.user.withResource(resource);
            } catch (InvalidJidException impossible) {
                return s.streamError(StreamErrorCondition.INTERNAL_SERVER_ERROR, null);
            }
        }
        if (bind.child("enable", Carbons.NS) != null && s.services.modules().enabled("carbons")) {
            login.flags |= ResourceFlags.CARBONS;
        }
        String bound = s.full.resource();
        int flags = login.flags;
        s.context.ask(UserEntity.BindResult.class, s.services.router().user(s.user), s.services.accountLookupTimeout(),
                r -> new UserEntity.BindResource(bound, s.context.getSelf(), flags, r),
                (ok, failure) -> new SessionActor.BindAnswered(null, ok, failure));
        return s;
    }

    /** XEP-0386 §3.2: the account bound the resource; the inline features are switched on, then the success. */
    static Behavior<Message> bound(SessionActor s, SessionActor.BindAnswered m) {
        Login login = s.sasl2;
        if (m.failure() != null) {
            // Authenticated, but the account did not answer: the client may try again (§6.5.13).
            s.sasl2 = null;
            s.full = null;
            s.user = null;
            s.authenticated = false;
            s.send(Sasl2.failure(SaslCondition.TEMPORARY_AUTH_FAILURE, null));
            s.become(Authenticating.INSTANCE);
            return s.processed();
        }
        if (m.result() instanceof UserEntity.NoAccount) {
            return s.streamError(StreamErrorCondition.NOT_AUTHORIZED, "account no longer exists");
        }
        if (m.result() instanceof UserEntity.Bound b) {
            s.context.watchWith(b.entity(), SessionActor.EntityStopped.INSTANCE);
        }
        s.resourceFlags |= login.flags;
        AwaitingBind.established(s);
        ClientStates.inline(s, login.request.bind()); // XEP-0386 §3.1: an <inactive/> inline (XEP-0352)
        StringBuilder inner = new StringBuilder();
        Element enable = login.request.bind().child("enable", StreamManagement.NS);
        if (enable != null) inner.append(StreamExtensions.startInline(s, enable));
        s.sasl2 = null;
        String extra = (login.resumeFailed == null ? "" : login.resumeFailed) + Sasl2.bound(inner.toString());
        s.send(Sasl2.success(login.additionalData, s.full.toString(), extra(login, extra)));
        s.send("<stream:features>" + AwaitingStreamHeader.boundFeatures(s) + "</stream:features>");
        return s.processed();
    }

    /**
     * A successful resumption's {@code <resumed/>}: when the resumption was asked for inline (XEP-0198 in SASL2), the
     * success carries it, with the stream features after it, and true is returned; otherwise false.
     */
    static boolean resumeAnswer(SessionActor s, String xml) {
        Login login = s.sasl2;
        if (login == null || !login.resuming) return false;
        login.resuming = false;
        s.sasl2 = null;
        s.send(Sasl2.success(login.additionalData, s.full.toString(), extra(login, xml)));
        s.send("<stream:features>" + AwaitingStreamHeader.boundFeatures(s) + "</stream:features>");
        return true;
    }

    /**
     * A failed resumption's {@code <failed/>}: when it was asked for inline, it is kept for the success and the bind
     * goes ahead (XEP-0386 §3.2), and what that returns is returned; otherwise null.
     */
    static Behavior<Message> resumeFailed(SessionActor s, String xml) {
        Login login = s.sasl2;
        if (login == null || !login.resuming) return null;
        login.resuming = false;
        login.resumeFailed = xml;
        return bindOrSucceed(s);
    }

    /** What the success carries besides the identifier: the inline results, then a XEP-0484 token. */
    private static String extra(Login login, String inlineResults) {
        String results = inlineResults == null ? "" : inlineResults;
        return login.tokenXml == null ? results : results + login.tokenXml;
    }

    /**
     * XEP-0386 §3.2.1: the tag (when it makes a valid resource part) and, for a client that names itself, an
     * identifier derived from its account and user-agent id, so the same client binds the same resource each time
     * and replaces its own older session. The id itself is not shown: only a digest of it and the account.
     */
    static String resource(SessionActor s, String tag, String userAgentId) {
        String suffix;
        if (userAgentId == null || userAgentId.isBlank()) {
            suffix = s.services.newResource();
        } else {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] digest = sha.digest((s.user.toString() + '\0' + userAgentId).getBytes(StandardCharsets.UTF_8));
                suffix = HexFormat.of().formatHex(digest, 0, 6);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        String t = tag == null ? "" : tag.strip();
        if (t.isEmpty() || t.length() > 64) return suffix;
        return t + "/" + suffix;
    }
}
