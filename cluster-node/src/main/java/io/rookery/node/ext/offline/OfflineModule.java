package io.rookery.node.ext.offline;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Declares the XEPs and keeps the queue as the account's part; storing and delivering still live in the user
 * entity (storage at delivery, release at initial presence), so it cannot be switched off yet.
 */
public final class OfflineModule implements XmppModule {
    public static final PartKey<ArrayDeque<OfflineMessage>> QUEUE = new PartKey<>("offline");

    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(160, "1.0.1", "offline messages stored in the user's journal"))
                .implementsXep(Xep.xep(203, "2.0", "delay stamp on offline messages"))
                .accountPart(QUEUE, new OfflinePart(),
                        List.of(OfflineMessageStored.class, OfflineMessagesDelivered.class));
    }

    @Override
    public boolean canBeSwitchedOff() {
        return false;
    }
}
