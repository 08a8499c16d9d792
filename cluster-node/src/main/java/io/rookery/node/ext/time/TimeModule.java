package io.rookery.node.ext.time;

import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.xep.time.EntityTime;

public final class TimeModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(202, "2.0", "entity time of the server"))
                .discoFeature(Discoverable.SERVER, EntityTime.NS)
                .iq(AddressKind.SERVER, IqType.GET, EntityTime.ELEMENT, EntityTime.NS,
                        r -> IqOutcome.result(r.iq(), EntityTime.utc(context.clock().instant())));
    }
}
