package io.rookery.node.ext.preapproval;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.ext.XmppModule;

/** Declares the feature only; its handling still lives in the user entity, so it cannot be switched off yet. */
public final class PreApprovalModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.streamFeature(StreamFeature.always(StreamFeature.Step.AFTER_AUTHENTICATION,
                        "<sub xmlns='" + io.rookery.protocol.xep.preapproval.PreApproval.FEATURE + "'/>"));
    }

    @Override
    public boolean canBeSwitchedOff() {
        return false;
    }
}
