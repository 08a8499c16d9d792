package io.rookery.node.ext.disco;

import io.rookery.node.ext.AccountNodes;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.DiscoNodes;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.ServerInfo;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.node.ext.caps.CapsModule;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xml.Element;

/**
 * The server is "server/im" named Rookery; an account is "account/registered" (XEP-0030 §3.1 and the registry's
 * categories). A disco#info with a node is answered for the server's XEP-0115 caps node (§6.2 of that XEP): the
 * same information, with the node; disco#info and disco#items of other server nodes by the module that publishes
 * them ({@link DiscoNodes}, such as XEP-0050's commands).
 */
public final class DiscoModule implements XmppModule {
    public static final String SERVER_NAME = "Rookery";
    public static final Disco.Identity SERVER = new Disco.Identity("server", "im", SERVER_NAME);
    public static final Disco.Identity ACCOUNT = new Disco.Identity("account", "registered", null);

    @Override
    public void declare(ModuleContext context, Declarations d) {
        ServerInfo info = context.server();
        d.implementsXep(Xep.xep(30, "2.5", "disco#info and disco#items of the server (its services), disco#info of an account"))
                .identity(Discoverable.SERVER, SERVER)
                .identity(Discoverable.ACCOUNT, ACCOUNT)
                .discoFeature(Discoverable.SERVER, Disco.INFO).discoFeature(Discoverable.SERVER, Disco.ITEMS)
                .discoFeature(Discoverable.ACCOUNT, Disco.INFO).discoFeature(Discoverable.ACCOUNT, Disco.ITEMS);
        d.iq(AddressKind.SERVER, IqType.GET, "query", Disco.INFO, r -> {
            String node = r.payload().attr("node");
            if (node == null) return IqOutcome.result(r.iq(), info(info, Discoverable.SERVER, null));
            if (node.equals(CapsModule.node(info))) return IqOutcome.result(r.iq(), info(info, Discoverable.SERVER, node));
            for (DiscoNodes nodes : info.discoNodes()) {
                IqOutcome answer = nodes.info(r, node);
                if (answer != null) return answer;
            }
            return unavailable(r);
        });
        for (AddressKind to : new AddressKind[] {AddressKind.OWN_ACCOUNT, AddressKind.OTHER_ACCOUNT}) {
            d.iq(to, IqType.GET, "query", Disco.INFO, r -> {
                String node = r.payload().attr("node");
                if (node == null) return IqOutcome.result(r.iq(), info(info, Discoverable.ACCOUNT, null));
                // A node a module hosts at the account (XEP-0163), as the requester may see it.
                for (AccountNodes nodes : info.accountNodes()) {
                    Element found = nodes.info(r.account(), node, requester(r));
                    if (found != null) return IqOutcome.result(r.iq(), found);
                }
                return IqOutcome.error(r.iq(), StanzaErrorCondition.ITEM_NOT_FOUND);
            });
        }
        // §4: the server's items are the services its modules run on subdomains (XEP-0045 rooms and the like).
        d.iq(AddressKind.SERVER, IqType.GET, "query", Disco.ITEMS, r -> {
            String node = r.payload().attr("node");
            if (node != null) {
                for (DiscoNodes nodes : info.discoNodes()) {
                    IqOutcome answer = nodes.items(r, node);
                    if (answer != null) return answer;
                }
                return unavailable(r);
            }
            java.util.List<Disco.Item> items = new java.util.ArrayList<>();
            for (var s : info.services()) items.add(new Disco.Item(s.domain(), null, s.name()));
            return IqOutcome.result(r.iq(), Disco.items(null, items));
        });
        for (AddressKind to : new AddressKind[] {AddressKind.OWN_ACCOUNT, AddressKind.OTHER_ACCOUNT}) {
            // An entity with no items of its own publishes none; nodes are not supported.
            d.iq(to, IqType.GET, "query", Disco.ITEMS, r -> {
                if (r.payload().attr("node") != null) return unavailable(r);
                java.util.List<Disco.Item> items = new java.util.ArrayList<>();
                for (AccountNodes nodes : info.accountNodes()) items.addAll(nodes.items(r.account(), requester(r)));
                return IqOutcome.result(r.iq(), items.isEmpty() ? Disco.noItems() : Disco.items(null, items));
            });
        }
    }

    private static io.rookery.protocol.xml.Element info(ServerInfo info, Discoverable entity, String node) {
        return Disco.info(node, info.identities(entity), info.discoFeatures(entity));
    }

    /** The bare JID that asked ('from' is stamped by the server). */
    private static String requester(IqRequest r) {
        try {
            return io.rookery.protocol.jid.Jid.parse(r.iq().attr("from")).bare().toString();
        } catch (Exception e) {
            return null;
        }
    }

    private static IqOutcome unavailable(IqRequest r) {
        return IqOutcome.error(r.iq(), StanzaErrorCondition.SERVICE_UNAVAILABLE);
    }
}
