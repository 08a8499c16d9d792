package io.rookery.node.ext.last;

import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.xep.last.LastActivity;
import java.time.Duration;

/** Cannot be switched off yet: the account part lives in the user entity. */
public final class LastModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(12, "2.0", "last activity: server uptime; an account's idle time for the user and subscribers"))
                .discoFeature(Discoverable.SERVER, LastActivity.NS)
                .discoFeature(Discoverable.ACCOUNT, LastActivity.NS)
                .iq(AddressKind.SERVER, IqType.GET, "query", LastActivity.NS, r -> IqOutcome.result(r.iq(),
                        LastActivity.result(Duration.between(context.startedAt(), context.clock().instant())
                                .toSeconds())));
    }

    @Override
    public boolean canBeSwitchedOff() {
        return false;
    }
}
