package io.rookery.node.ext.carbons;

import io.prometheus.metrics.core.metrics.Counter;
import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.BoundResource;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.ResourceFlags;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.carbons.Carbons;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.List;

/**
 * A resource enables or disables carbons for itself (§4, §5; a flag kept with the bound resource, in memory only,
 * so a client enables carbons again on each new session as the XEP requires); eligible messages the user sends
 * (§7) or receives (§6) are copied to the user's other carbons-enabled resources that did not get them.
 */
public final class CarbonsModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        Counter copies = Counter.builder().name("xmpp_carbons_copies_total")
                .help("XEP-0280 carbon copies made, by direction").labelNames("direction").register(context.metrics());
        d.implementsXep(Xep.xep(280, "1.0.1",
                        "message carbons (`urn:xmpp:carbons:2`) for type chat, with `private` and `no-copy` honoured"))
                .discoFeature(Discoverable.SERVER, Carbons.NS)
                .iq(AddressKind.OWN_ACCOUNT, IqType.SET, "enable", Carbons.NS, r -> toggle(r, true))
                .iq(AddressKind.OWN_ACCOUNT, IqType.SET, "disable", Carbons.NS, r -> toggle(r, false))
                .onSent(ResourceFlags.CARBONS, e -> counted(copies, copies("sent", e.account(), e.stanza(),
                        List.of(e.resource())), "sent"))
                .on(Hook.STANZA_RECEIVED, e -> counted(copies, copies("received", e.account(), e.stanza(),
                        e.deliveredTo()), "received"));
    }

    private static HookOutcome counted(Counter copies, HookOutcome outcome, String direction) {
        if (!outcome.toResources().isEmpty()) copies.labelValues(direction).inc(outcome.toResources().size());
        return outcome;
    }

    /** A result, or bad-request when the requesting resource is not bound here (never expected). */
    private static IqOutcome toggle(IqRequest r, boolean enable) {
        String resource = resourceOf(r.iq());
        boolean bound = resource != null && r.account().resources().stream().anyMatch(b -> b.name().equals(resource));
        if (!bound) return IqOutcome.error(r.iq(), StanzaErrorCondition.BAD_REQUEST);
        IqOutcome result = IqOutcome.result(r.iq(), null);
        return enable ? result.withFlags(ResourceFlags.CARBONS, 0) : result.withFlags(0, ResourceFlags.CARBONS);
    }

    private static String resourceOf(Element iq) {
        try {
            String from = iq.attr("from");
            return from == null ? null : Jid.parse(from).resource();
        } catch (InvalidJidException e) {
            return null;
        }
    }

    /** §6, §7: a copy for each carbons-enabled resource that did not get the message itself. */
    private static HookOutcome copies(String direction, AccountView account, Element message, List<String> got) {
        if (!Carbons.eligible(message)) return HookOutcome.NONE;
        List<BoundResource> resources = account.resources();
        if (resources.size() < 2) return HookOutcome.NONE;
        String bare = account.jid().toString();
        List<HookOutcome.ToResource> out = new ArrayList<>(resources.size() - 1);
        for (BoundResource r : resources) {
            if (r.has(ResourceFlags.CARBONS) && !got.contains(r.name())) {
                out.add(new HookOutcome.ToResource(r.name(),
                        Carbons.wrap(direction, bare, bare + "/" + r.name(), message)));
            }
        }
        return HookOutcome.toResources(out);
    }
}
