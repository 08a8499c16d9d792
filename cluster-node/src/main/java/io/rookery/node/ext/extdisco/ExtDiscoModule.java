package io.rookery.node.ext.extdisco;

import com.typesafe.config.Config;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.extdisco.ExtDisco;
import io.rookery.protocol.xml.Element;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * XEP-0215 to the server: the services of {@code rookery.modules.extdisco.services} (STUN and TURN servers for
 * Jingle calls and file transfer behind NAT), all or of one type (§3.1, §3.2), and credentials for one (§3.3), the
 * TURN ones short-term per user (see {@link ExternalService}). Users of this server only; nothing is kept.
 */
public final class ExtDiscoModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        List<ExternalService> services = new ArrayList<>();
        for (Config c : context.config().getConfigList("services")) services.add(ExternalService.from(c));
        Clock clock = context.clock();
        String domain = context.domain();
        d.implementsXep(Xep.xep(215, "0.7", "external services (STUN, TURN) with short-term TURN credentials"))
                .discoFeature(Discoverable.SERVER, ExtDisco.NS)
                .iq(AddressKind.SERVER, IqType.GET, "services", ExtDisco.NS, r -> {
                    String user = user(r, domain);
                    if (user == null) return IqOutcome.error(r.iq(), StanzaErrorCondition.FORBIDDEN);
                    String type = r.payload().attr("type");
                    List<ExtDisco.Service> list = new ArrayList<>();
                    for (ExternalService s : services) {
                        if (type == null || type.equals(s.type())) list.add(s.forUser(user, clock.instant()));
                    }
                    return IqOutcome.result(r.iq(), ExtDisco.services(type, list));
                })
                .iq(AddressKind.SERVER, IqType.GET, "credentials", ExtDisco.NS, r -> {
                    String user = user(r, domain);
                    if (user == null) return IqOutcome.error(r.iq(), StanzaErrorCondition.FORBIDDEN);
                    Element wanted = r.payload().child("service", ExtDisco.NS);
                    if (wanted == null || wanted.attr("host") == null || wanted.attr("type") == null) {
                        return IqOutcome.error(r.iq(), StanzaErrorCondition.BAD_REQUEST);
                    }
                    String port = wanted.attr("port");
                    List<ExtDisco.Service> found = new ArrayList<>();
                    for (ExternalService s : services) {
                        if (s.host().equals(wanted.attr("host")) && s.type().equals(wanted.attr("type"))
                                && (port == null || port.equals(Integer.toString(s.port())))) {
                            found.add(s.forUser(user, clock.instant()));
                        }
                    }
                    return found.isEmpty() ? IqOutcome.error(r.iq(), StanzaErrorCondition.ITEM_NOT_FOUND)
                            : IqOutcome.result(r.iq(), ExtDisco.credentials(found));
                });
    }

    /** The requester's bare JID when it is a user of this server, else null. */
    private static String user(IqRequest r, String domain) {
        Jid from = Jid.parseOrNull(r.iq().attr("from"));
        return from == null || from.local() == null || !domain.equals(from.domain()) ? null : from.bare().toString();
    }
}
