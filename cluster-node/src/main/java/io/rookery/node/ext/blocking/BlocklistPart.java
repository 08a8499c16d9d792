package io.rookery.node.ext.blocking;

import io.rookery.node.ext.AccountPart;
import io.rookery.persistence.blocking.Blocklist;
import io.rookery.persistence.blocking.JidsBlocked;
import io.rookery.persistence.blocking.JidsUnblocked;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshotV2;
import java.util.LinkedHashSet;

/** The blocked JIDs in the order they were blocked; an unblock without items clears the list (XEP-0191 §3.5). */
final class BlocklistPart implements AccountPart<LinkedHashSet<String>> {
    @Override
    public Class<? extends KryoSerializable> snapshotType() {
        return Blocklist.class;
    }

    @Override
    public LinkedHashSet<String> apply(LinkedHashSet<String> list, UserEvent event) {
        if (event instanceof JidsBlocked e) {
            if (list == null) list = new LinkedHashSet<>();
            list.addAll(e.jids());
        } else if (event instanceof JidsUnblocked e && list != null) {
            if (e.jids().isEmpty()) list.clear();
            else e.jids().forEach(list::remove);
        }
        return list == null || list.isEmpty() ? null : list;
    }

    @Override
    public KryoSerializable snapshot(LinkedHashSet<String> list) {
        return list.isEmpty() ? null : new Blocklist(list.stream().toList());
    }

    @Override
    public LinkedHashSet<String> restore(KryoSerializable snapshot) {
        return set(((Blocklist) snapshot).jids());
    }

    @Override
    public LinkedHashSet<String> fromV2(UserSnapshotV2 old) {
        return set(old.blocklist());
    }

    private static LinkedHashSet<String> set(java.util.List<String> jids) {
        return jids.isEmpty() ? null : new LinkedHashSet<>(jids);
    }
}
