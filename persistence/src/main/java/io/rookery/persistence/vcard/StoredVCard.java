package io.rookery.persistence.vcard;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.Objects;

/** The vCard module's part of a user snapshot: the vCard element as the user last stored it. */
public record StoredVCard(String vcardXml) implements KryoSerializable {
    public StoredVCard {
        Objects.requireNonNull(vcardXml, "vcardXml");
    }
}
