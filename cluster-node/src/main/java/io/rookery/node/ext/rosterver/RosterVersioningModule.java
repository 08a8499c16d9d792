package io.rookery.node.ext.rosterver;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;

/** Declares the feature only; its handling still lives in the user entity, so it cannot be switched off yet. */
public final class RosterVersioningModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(237, "1.3", "roster versioning (`ver`, empty result when unchanged, versioned pushes)"))
                .streamFeature(StreamFeature.always(StreamFeature.Step.AFTER_AUTHENTICATION,
                        "<ver xmlns='" + io.rookery.protocol.xep.rosterver.RosterVersioning.FEATURE + "'/>"));
    }

    @Override
    public boolean canBeSwitchedOff() {
        return false;
    }
}
