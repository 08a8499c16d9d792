package io.rookery.node.ext;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.SessionProtocol;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.ping.Ping;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the simple services on subdomains (upload, proxy65) share: taking an iq get or set addressed to the service
 * itself with one payload, answering the rest as RFC 6120 asks, and replying through the requesting session when it
 * is known (no hop through the user's account).
 */
public final class ServiceRequests {
    /** An iq get or set to the service's own JID, with its one payload; from: the stamped sender. */
    public record Request(Element iq, Jid from, Element payload, boolean get, ActorRef<SessionProtocol.Message> session) {}

    private final StanzaSink router;

    public ServiceRequests(StanzaSink router) {
        this.router = router;
    }

    /**
     * The request in a stanza delivered to the service, or null when there is none to handle: a message gets
     * service-unavailable, an iq to a JID at the service or without exactly one payload an error; results, errors
     * and presence are dropped.
     */
    public Request of(Element stanza, Jid to, ActorRef<?> session) {
        @SuppressWarnings("unchecked")
        ActorRef<SessionProtocol.Message> s = (ActorRef<SessionProtocol.Message>) session;
        String type = stanza.attr("type");
        if (!"iq".equals(stanza.name())) {
            if ("message".equals(stanza.name()) && !"error".equals(type)) {
                error(stanza, s, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            }
            return null;
        }
        if (!"get".equals(type) && !"set".equals(type)) return null;
        Jid from = Jid.parseOrNull(stanza.attr("from"));
        if (from == null) return null;
        Element payload = stanza.elements().size() == 1 ? stanza.elements().get(0) : null;
        if (payload == null) {
            error(stanza, s, StanzaErrorCondition.BAD_REQUEST);
            return null;
        }
        if (to.local() != null || to.resource() != null) {
            error(stanza, s, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            return null;
        }
        return new Request(stanza, from, payload, "get".equals(type), s);
    }

    /**
     * What such a service answers like any other: its disco#info (the one given), disco#items (none) and XEP-0199
     * pings. False when the request is none of those.
     */
    public boolean answeredAlike(Request r, Element discoInfo) {
        if (!r.get()) return false;
        Element q = r.payload();
        if (q.is("query", Disco.INFO) && q.attr("node") == null) {
            result(r, discoInfo);
        } else if (q.is("query", Disco.ITEMS)) {
            result(r, Disco.noItems());
        } else if (q.is("ping", Ping.NS)) {
            result(r, null);
        } else {
            return false;
        }
        return true;
    }

    public void result(Request r, Element payload) {
        reply(Stanzas.iqResult(r.iq(), payload), r.session());
    }

    public void error(Request r, StanzaError error) {
        reply(Stanzas.errorReply(r.iq(), error), r.session());
    }

    public void error(Request r, StanzaErrorCondition condition) {
        error(r, StanzaError.of(condition));
    }

    private void error(Element stanza, ActorRef<SessionProtocol.Message> session, StanzaErrorCondition condition) {
        reply(Stanzas.errorReply(stanza, StanzaError.of(condition)), session);
    }

    /** Through the requesting session when known, else the router. */
    public void reply(Element reply, ActorRef<SessionProtocol.Message> session) {
        if (session != null) session.tell(new SessionProtocol.Deliver(reply, NodeMetrics.nowMicros()));
        else router.route(reply);
    }

    /** A service's {@code subdomain} setting: one or more DNS labels. */
    public static String subdomain(Config c, String path) {
        String subdomain = c.getString("subdomain");
        if (subdomain.isEmpty() || subdomain.contains("@") || subdomain.contains("/")) {
            throw new ConfigException.BadValue(path + "subdomain", "must be a DNS label or labels");
        }
        return subdomain;
    }
}
