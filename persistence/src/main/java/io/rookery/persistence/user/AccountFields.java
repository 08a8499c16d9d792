package io.rookery.persistence.user;

import static io.rookery.persistence.user.PersistedFields.MAX_CREDENTIALS;
import static io.rookery.persistence.user.PersistedFields.MAX_ITEMS;
import static io.rookery.persistence.user.PersistedFields.MAX_JID_BYTES;
import static io.rookery.persistence.user.PersistedFields.MAX_TEXT_BYTES;
import static io.rookery.persistence.user.PersistedFields.readFlag;
import static io.rookery.persistence.user.PersistedFields.readObjects;
import static io.rookery.persistence.user.PersistedFields.readStringMap;
import static io.rookery.persistence.user.PersistedFields.writeObjects;
import static io.rookery.persistence.user.PersistedFields.writeStringMap;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.protocol.sasl.ScramCredentials;
import java.util.List;
import java.util.Map;

/**
 * The fields every user snapshot since {@link UserSnapshotV2} begins with, in this layout: credentials (count, then
 * ScramCredentials' layout each), exists (1 byte), roster (count, then RosterItem's layout each), rosterVersion
 * (8 bytes), pendingIn (JID to presence, by key). Frozen by the V2 and V3 frozen-bytes tests.
 */
record AccountFields(List<ScramCredentials> credentials, boolean exists, List<RosterItem> roster, long rosterVersion,
        Map<String, String> pendingIn) {

    static void write(Kryo kryo, Output output, List<ScramCredentials> credentials, boolean exists,
            List<RosterItem> roster, long rosterVersion, Map<String, String> pendingIn) {
        writeObjects(kryo, output, credentials, MAX_CREDENTIALS, "SCRAM credentials");
        output.writeBoolean(exists);
        writeObjects(kryo, output, roster, MAX_ITEMS, "roster items");
        output.writeLong(rosterVersion);
        writeStringMap(output, pendingIn, MAX_JID_BYTES, MAX_TEXT_BYTES, "pending subscription");
    }

    static AccountFields read(Kryo kryo, Input input) {
        List<ScramCredentials> credentials =
                readObjects(kryo, input, ScramCredentials.class, MAX_CREDENTIALS, "SCRAM credentials");
        boolean exists = readFlag(input, "exists");
        List<RosterItem> roster = readObjects(kryo, input, RosterItem.class, MAX_ITEMS, "roster items");
        long rosterVersion = input.readLong();
        Map<String, String> pendingIn = readStringMap(input, MAX_JID_BYTES, MAX_TEXT_BYTES, "pending subscription");
        return new AccountFields(credentials, exists, roster, rosterVersion, pendingIn);
    }
}
