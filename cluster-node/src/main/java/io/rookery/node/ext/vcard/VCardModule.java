package io.rookery.node.ext.vcard;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;

/** Declares the feature only; its handling still lives in the user entity, so it cannot be switched off yet. */
public final class VCardModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(54, "1.2", "vcard-temp: own vCard get/set (64 KiB at most), other users' vCards readable"));
    }

    @Override
    public boolean canBeSwitchedOff() {
        return false;
    }
}
