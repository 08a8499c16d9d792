package io.rookery.node.ext.offline;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;

/** Declares the feature only; its handling still lives in the user entity, so it cannot be switched off yet. */
public final class OfflineModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(160, "1.0.1", "offline messages stored in the user's journal"))
                .implementsXep(Xep.xep(203, "2.0", "delay stamp on offline messages"));
    }

    @Override
    public boolean canBeSwitchedOff() {
        return false;
    }
}
