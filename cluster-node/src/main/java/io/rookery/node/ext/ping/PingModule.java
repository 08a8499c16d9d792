package io.rookery.node.ext.ping;

import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.xep.ping.Ping;

/** §4.2 client-to-server pings, and pings to an account's bare JID, which the server answers on its behalf. */
public final class PingModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(199, "2.0.1", "ping to the server and to an account"))
                .discoFeature(Discoverable.SERVER, Ping.NS);
        for (AddressKind to : new AddressKind[] {AddressKind.SERVER, AddressKind.OWN_ACCOUNT, AddressKind.OTHER_ACCOUNT}) {
            d.iq(to, IqType.GET, Ping.ELEMENT, Ping.NS, r -> IqOutcome.result(r.iq(), null));
        }
    }
}
