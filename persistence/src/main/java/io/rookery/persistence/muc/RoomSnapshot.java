package io.rookery.persistence.muc;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.Map;

/**
 * A room's persisted state: whether it exists, its configuration fields (as {@link RoomConfigured}), affiliations
 * and the reasons given for them (bare JID to value), registered nicks (bare JID to nick), and the subject with the
 * nick of whoever set it.
 */
public record RoomSnapshot(boolean exists, Map<String, String> config, Map<String, String> affiliations,
        Map<String, String> reasons, Map<String, String> nicks, String subject, String subjectBy)
        implements KryoSerializable {
    public RoomSnapshot {
        config = Map.copyOf(config);
        affiliations = Map.copyOf(affiliations);
        reasons = Map.copyOf(reasons);
        nicks = Map.copyOf(nicks);
    }
}
