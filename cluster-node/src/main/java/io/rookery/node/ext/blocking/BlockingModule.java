package io.rookery.node.ext.blocking;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;

/** Declares the feature only; its handling still lives in the user entity, so it cannot be switched off yet. */
public final class BlockingModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(191, "1.3", "blocking command"))
                .discoFeature(Discoverable.SERVER, io.rookery.protocol.xep.blocking.BlockingCommand.NS);
    }

    @Override
    public boolean canBeSwitchedOff() {
        return false;
    }
}
