package io.rookery.node.ext.preapproval;

import io.rookery.node.ext.CoreFeature;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.xep.preapproval.PreApproval;

/**
 * Offers RFC 6121 §3.4 pre-approval and switches it on in the subscription state machine; switched off, the
 * feature is not announced and a 'subscribed' sent before any request is ignored (§3.4.1).
 */
public final class PreApprovalModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.enables(CoreFeature.SUBSCRIPTION_PRE_APPROVAL)
                .streamFeature(StreamFeature.always(StreamFeature.Step.AFTER_AUTHENTICATION,
                        "<sub xmlns='" + PreApproval.FEATURE + "'/>"));
    }
}
