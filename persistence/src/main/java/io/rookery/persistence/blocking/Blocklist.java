package io.rookery.persistence.blocking;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.List;

/** The blocking module's part of a user snapshot: the blocked JIDs, in the order they were blocked. */
public record Blocklist(List<String> jids) implements KryoSerializable {
    public Blocklist {
        jids = List.copyOf(jids);
    }
}
