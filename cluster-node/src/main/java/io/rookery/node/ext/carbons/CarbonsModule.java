package io.rookery.node.ext.carbons;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;

/** Declares the feature only; its handling still lives in the user entity, so it cannot be switched off yet. */
public final class CarbonsModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(280, "1.0.1", "message carbons (`urn:xmpp:carbons:2`) for type chat, with `private` and `no-copy` honoured"))
                .discoFeature(Discoverable.SERVER, io.rookery.protocol.xep.carbons.Carbons.NS);
    }

    @Override
    public boolean canBeSwitchedOff() {
        return false;
    }
}
