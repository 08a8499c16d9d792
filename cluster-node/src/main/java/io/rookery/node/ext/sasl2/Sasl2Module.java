package io.rookery.node.ext.sasl2;

import io.rookery.node.ext.CoreFeature;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;

/**
 * Offers SASL2 and Bind 2. The negotiation itself belongs to the stream's state machine, which this switches on:
 * the steps are RFC 6120's with other framing and no restart, and they share its throttle and lookups.
 */
public final class Sasl2Module implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(388, "0.4.0", "SASL2: the same mechanisms as SASL (SCRAM with -PLUS), user agent,"
                        + " inline Bind 2 and XEP-0198 resumption; no upgrade or other continue tasks"))
                .implementsXep(Xep.xep(386, "0.4.0", "Bind 2 with inline XEP-0198 enable and XEP-0280 carbons;"
                        + " a stable resource per user agent and tag; no MAM metadata in <bound/>"))
                .enables(CoreFeature.SASL2);
    }
}
