package io.rookery.node.ext.privatexml;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;

/** Declares the feature only; its handling still lives in the user entity, so it cannot be switched off yet. */
public final class PrivateXmlModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(49, "1.2", "private XML storage (64 KiB per element)"));
    }

    @Override
    public boolean canBeSwitchedOff() {
        return false;
    }
}
