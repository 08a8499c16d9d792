package io.rookery.node.ext.rosterver;

import io.rookery.node.ext.CoreFeature;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.xep.rosterver.RosterVersioning;

/**
 * Offers XEP-0237 and switches it on in the roster, which keeps a version per change in its events; switched off,
 * roster results and pushes carry no 'ver' and every get returns the whole roster.
 */
public final class RosterVersioningModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(237, "1.3", "roster versioning (`ver`, empty result when unchanged, versioned pushes)"))
                .enables(CoreFeature.ROSTER_VERSIONING)
                .streamFeature(StreamFeature.always(StreamFeature.Step.AFTER_AUTHENTICATION,
                        "<ver xmlns='" + RosterVersioning.FEATURE + "'/>"));
    }
}
