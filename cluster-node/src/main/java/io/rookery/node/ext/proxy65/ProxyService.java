package io.rookery.node.ext.proxy65;

import io.rookery.node.ext.Service;
import io.rookery.node.ext.ServiceRequests;
import io.rookery.node.ext.StanzaSink;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.bytestreams.Bytestreams;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xml.Element;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The XEP-0065 §6 proxy on {@code proxy.<domain>}: its disco#info (identity proxy/bytestreams), its stream host (the
 * SOCKS5 listener of the node that answers, which is the node the asking client is connected to), and activation:
 * the requester (the full JID that asks, §6.3.3) joins the two connections that asked for the hash of the stream id,
 * itself and the target. Users of this server only.
 */
final class ProxyService implements Service {
    private final Pairings pairings;
    private final ServiceRequests requests;
    private final String serverDomain;
    private final String jid;
    private final String host;
    private final int port;
    /** The service's disco#info, the same for every request. */
    private final Element info;

    ProxyService(Pairings pairings, StanzaSink router, String serverDomain, String jid, String name, String host,
            int port) {
        this.pairings = pairings;
        this.requests = new ServiceRequests(router);
        this.serverDomain = serverDomain;
        this.jid = jid;
        this.info = Disco.info(null, List.of(new Disco.Identity("proxy", "bytestreams", name)),
                List.of(Disco.INFO, Bytestreams.NS));
        this.host = host;
        this.port = port;
    }

    @Override
    public void deliver(Element stanza, Jid to, ActorRef<?> session) {
        ServiceRequests.Request r = requests.of(stanza, to, session);
        if (r == null) return;
        Element q = r.payload();
        if (requests.answeredAlike(r, info)) return;
        if (q.is("query", Bytestreams.NS)) {
            if (!serverDomain.equals(r.from().domain()) || r.from().local() == null) {
                requests.error(r, StanzaErrorCondition.FORBIDDEN);
            } else if (r.get()) {
                // §6.3.2: where to connect.
                requests.result(r, Bytestreams.streamHost(jid, host, port));
            } else {
                activate(r);
            }
        } else {
            requests.error(r, StanzaErrorCondition.SERVICE_UNAVAILABLE);
        }
    }

    /** §6.3.3: the requester names the stream and its target; both connections must be waiting here. */
    private void activate(ServiceRequests.Request r) {
        String sid = r.payload().attr("sid");
        Element target = r.payload().child("activate", Bytestreams.NS);
        Jid targetJid = target == null ? null : Jid.parseOrNull(target.text().trim());
        if (sid == null || sid.isEmpty() || targetJid == null) {
            requests.error(r, StanzaErrorCondition.BAD_REQUEST);
            return;
        }
        boolean joined = pairings.activate(Bytestreams.address(sid, r.from().toString(), targetJid.toString()));
        if (joined) requests.result(r, null);
        else requests.error(r, StanzaErrorCondition.ITEM_NOT_FOUND);
    }
}
