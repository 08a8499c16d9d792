package io.rookery.node.ext.csi;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * {@code rookery.modules.csi}: how many stanzas one inactive client's session holds back before it writes them all
 * (ejabberd's {@code queue_size}). Each held stanza is memory of the session, and a flush of that many counts against
 * XEP-0198's {@code max-unacknowledged}, so it stays well below it.
 */
public record CsiSettings(int maxHeldStanzas) {
    public static CsiSettings from(Config section) {
        int max = section.getInt("max-held-stanzas");
        if (max < 1 || max > 10_000) {
            throw new ConfigException.BadValue("rookery.modules.csi.max-held-stanzas",
                    "must be between 1 and 10000, not " + max);
        }
        return new CsiSettings(max);
    }
}
