package io.rookery.node.ext.sm;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * {@code rookery.modules.sm}: the stanzas written to a client and not yet acknowledged that a session keeps, past
 * which the stream ends with policy-violation (ejabberd's {@code max_ack_queue}).
 */
public record StreamManagementSettings(int maxUnacknowledged) {
    public static StreamManagementSettings from(Config section) {
        int max = section.getInt("max-unacknowledged");
        if (max < 1 || max > 100_000) {
            throw new ConfigException.BadValue("rookery.modules.sm.max-unacknowledged",
                    "must be between 1 and 100000, not " + max);
        }
        return new StreamManagementSettings(max);
    }
}
