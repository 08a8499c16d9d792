package io.rookery.node.ext.csi;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.xep.csi.Csi;

/**
 * XEP-0352 on client streams: the feature after authentication (§4.1), and while a client says it is inactive its
 * session holds back presence (the latest per sender), chat states (the latest per sender) and other stanzas that can
 * wait, until something urgent comes (a message with a body, a call, an invitation, a subscription request, any iq),
 * the client is active again, or {@code max-held-stanzas} are held.
 */
public final class CsiModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        CsiSettings settings = CsiSettings.from(context.config());
        d.implementsXep(Xep.xep(352, "1.0.0", "client state indication: while a client is inactive, presence (the"
                        + " latest per sender) and chat states (the latest per sender) and other stanzas that can wait"
                        + " are held back until a message with a body, a call, an invitation, a subscription request or"
                        + " an iq comes, the client is active again, or `max-held-stanzas` (100) are held"))
                .streamFeature(StreamFeature.always(StreamFeature.Step.AFTER_AUTHENTICATION, Csi.FEATURE))
                .clientState(new CsiPolicy(settings.maxHeldStanzas(), context.metrics()));
    }
}
