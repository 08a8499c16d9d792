package io.rookery.node.ext.vcard;

import io.rookery.node.ext.AccountPart;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshotV2;
import io.rookery.persistence.vcard.StoredVCard;
import io.rookery.persistence.vcard.VCardStored;

/** The stored vCard element, as serialized XML. */
final class VCardPart implements AccountPart<String> {
    @Override
    public Class<? extends KryoSerializable> snapshotType() {
        return StoredVCard.class;
    }

    @Override
    public String apply(String vcard, UserEvent event) {
        return event instanceof VCardStored e ? e.vcardXml() : vcard;
    }

    @Override
    public KryoSerializable snapshot(String vcard) {
        return new StoredVCard(vcard);
    }

    @Override
    public String restore(KryoSerializable snapshot) {
        return ((StoredVCard) snapshot).vcardXml();
    }

    @Override
    public String fromV2(UserSnapshotV2 old) {
        return old.vcardXml();
    }
}
