package io.rookery.persistence.user;

import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.protocol.sasl.ScramCredentials;
import java.util.List;
import java.util.Map;

/**
 * A user entity's state at some sequence number: what the core owns (credentials, roster, pending subscription
 * requests), then one part per module that keeps account state, each a registered record of that module's own
 * package (for example {@code OfflineQueue}, {@code Blocklist}). Replaces {@link UserSnapshotV2} for new
 * snapshots; V2 and {@link UserSnapshot} stay readable. A module that keeps nothing for this account has no part.
 */
public record UserSnapshotV3(List<ScramCredentials> credentials, boolean exists, List<RosterItem> roster,
        long rosterVersion, Map<String, String> pendingIn, List<KryoSerializable> parts) implements KryoSerializable {

    public UserSnapshotV3 {
        credentials = List.copyOf(credentials);
        roster = List.copyOf(roster);
        pendingIn = Map.copyOf(pendingIn);
        parts = List.copyOf(parts);
    }
}
