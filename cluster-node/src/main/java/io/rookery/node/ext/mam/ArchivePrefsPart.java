package io.rookery.node.ext.mam;

import io.rookery.node.ext.AccountPart;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.mam.ArchivePrefs;
import io.rookery.persistence.mam.ArchivePrefsSet;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshotV2;

/** The account's XEP-0313 preferences, null until the user sets some (then the node's default mode applies). */
final class ArchivePrefsPart implements AccountPart<ArchivePrefs> {
    @Override
    public Class<? extends KryoSerializable> snapshotType() {
        return ArchivePrefs.class;
    }

    @Override
    public ArchivePrefs apply(ArchivePrefs state, UserEvent event) {
        return event instanceof ArchivePrefsSet e ? e.prefs() : state;
    }

    @Override
    public KryoSerializable snapshot(ArchivePrefs state) {
        return state;
    }

    @Override
    public ArchivePrefs restore(KryoSerializable snapshot) {
        return (ArchivePrefs) snapshot;
    }

    @Override
    public ArchivePrefs fromV2(UserSnapshotV2 old) {
        return null;
    }
}
