package io.rookery.persistence.user;

import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.protocol.sasl.ScramCredentials;
import java.util.List;
import java.util.Map;

/**
 * A user entity's state at some sequence number, with everything the account owns. Replaces {@link UserSnapshot}
 * for new snapshots; old ones stay readable as {@code UserSnapshot}. Collections are immutable copies.
 *
 * @param credentials SCRAM keys, one per hash; empty when the account does not exist
 * @param exists whether the account exists
 * @param roster the roster items
 * @param rosterVersion the roster version (RFC 6121 §2.6)
 * @param pendingIn inbound subscription requests awaiting an answer: bare JID to the stored presence stanza
 * @param offline the offline queue, oldest first
 * @param blocklist the blocked JIDs (XEP-0191)
 * @param vcardXml the vCard element (XEP-0054), or null
 * @param privateXml private XML storage (XEP-0049): {@code "<element name> <namespace>"} to the stored element
 */
public record UserSnapshotV2(List<ScramCredentials> credentials, boolean exists, List<RosterItem> roster,
        long rosterVersion, Map<String, String> pendingIn, List<OfflineMessage> offline, List<String> blocklist,
        String vcardXml, Map<String, String> privateXml) implements KryoSerializable {

    public UserSnapshotV2 {
        credentials = List.copyOf(credentials);
        roster = List.copyOf(roster);
        pendingIn = Map.copyOf(pendingIn);
        offline = List.copyOf(offline);
        blocklist = List.copyOf(blocklist);
        privateXml = Map.copyOf(privateXml);
    }
}
