package io.rookery.node.ext.muc;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.XmppModule;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.mam.MamSettings;

/**
 * XEP-0045 group chat on {@code <subdomain>.<domain>}: each room a sharded persistent entity, its occupants on any
 * node reached through their sessions, its messages archived for XEP-0313 and history; XEP-0410 self-ping and
 * XEP-0421 occupant ids with it.
 */
public final class MucModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        MucSettings settings = MucSettings.from(context.config());
        MamSettings mam = MamSettings.from(context.root().getConfig("rookery.modules.mam"));
        String domain = settings.subdomain() + "." + context.domain();
        d.implementsXep(Xep.xep(45, "1.35", "rooms as sharded entities: roles, affiliations, configuration,"
                        + " history, invitations, voice requests, nick registration, public rooms listed"))
                .implementsXep(Xep.xep(410, "1.1.0", "self-ping answered by the room"))
                .implementsXep(Xep.xep(421, "1.0.0", "occupant ids in rooms"))
                .implementsXep(Xep.xep(249, "1.2", "direct invitations pass through; mediated ones carry one"))
                .kryoRegistrar(MucMessagesRegistrar.class)
                .service(domain, settings.name(), ctx -> MucService.start(ctx, context.domain(), domain, settings, mam,
                        context.clock()));
    }
}
