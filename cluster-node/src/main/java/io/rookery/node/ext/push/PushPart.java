package io.rookery.node.ext.push;

import io.rookery.node.ext.AccountPart;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.push.PushDisabled;
import io.rookery.persistence.push.PushEnabled;
import io.rookery.persistence.push.PushRegistrations;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshotV2;
import java.util.ArrayList;

/**
 * The account's push registrations, oldest first, one per service and node: enabling one again replaces it (its
 * publish options and resource are the last request's, XEP-0357 §5). The limit on their number is the module's
 * (it disables the oldest first), so replaying the journal never depends on settings.
 */
final class PushPart implements AccountPart<ArrayList<PushEnabled>> {
    @Override
    public Class<? extends KryoSerializable> snapshotType() {
        return PushRegistrations.class;
    }

    @Override
    public ArrayList<PushEnabled> apply(ArrayList<PushEnabled> list, UserEvent event) {
        if (event instanceof PushEnabled e) {
            if (list == null) list = new ArrayList<>(2);
            list.removeIf(r -> r.service().equals(e.service()) && r.node().equals(e.node()));
            list.add(e);
        } else if (event instanceof PushDisabled d && list != null) {
            list.removeIf(r -> r.service().equals(d.service()) && (d.node() == null || r.node().equals(d.node())));
        }
        return list == null || list.isEmpty() ? null : list;
    }

    @Override
    public KryoSerializable snapshot(ArrayList<PushEnabled> list) {
        return list.isEmpty() ? null : new PushRegistrations(list);
    }

    @Override
    public ArrayList<PushEnabled> restore(KryoSerializable snapshot) {
        java.util.List<PushEnabled> r = ((PushRegistrations) snapshot).registrations();
        return r.isEmpty() ? null : new ArrayList<>(r);
    }

    @Override
    public ArrayList<PushEnabled> fromV2(UserSnapshotV2 old) {
        return null; // push came after that snapshot layout
    }
}
