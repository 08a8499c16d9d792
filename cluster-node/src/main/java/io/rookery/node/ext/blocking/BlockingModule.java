package io.rookery.node.ext.blocking;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.persistence.user.ImEventsRegistrar;
import io.rookery.persistence.blocking.JidsBlocked;
import io.rookery.persistence.blocking.JidsUnblocked;
import io.rookery.protocol.xep.blocking.BlockingCommand;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Declares the feature and keeps the blocklist as the account's part; the commands and their enforcement still live
 * in the user entity and the session (io.rookery.node.user.Blocking), so it cannot be switched off yet.
 */
public final class BlockingModule implements XmppModule {
    public static final PartKey<LinkedHashSet<String>> BLOCKLIST = new PartKey<>("blocking");

    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(191, "1.3", "blocking command"))
                .discoFeature(Discoverable.SERVER, BlockingCommand.NS)
                .kryoRegistrar(ImEventsRegistrar.class)
                .accountPart(BLOCKLIST, new BlocklistPart(), List.of(JidsBlocked.class, JidsUnblocked.class));
    }

    @Override
    public boolean canBeSwitchedOff() {
        return false;
    }
}
