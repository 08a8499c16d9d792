package io.rookery.persistence.mam;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.List;

/**
 * The archive module's part of a user snapshot: XEP-0313 §5.2 preferences. {@code mode} is
 * {@link #ALWAYS}, {@link #NEVER} or {@link #ROSTER}; the lists hold bare JIDs.
 */
public record ArchivePrefs(int mode, List<String> always, List<String> never) implements KryoSerializable {
    public static final int ALWAYS = 0;
    public static final int NEVER = 1;
    public static final int ROSTER = 2;

    public ArchivePrefs {
        if (mode < ALWAYS || mode > ROSTER) throw new IllegalArgumentException("archive mode " + mode);
        always = List.copyOf(always);
        never = List.copyOf(never);
    }
}
