package io.rookery.node.ext.sm;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code rookery.modules.sm}: the stanzas written to a client and not yet acknowledged that a session keeps, past
 * which the stream ends with policy-violation (ejabberd's {@code max_ack_queue}); whether streams can be resumed and
 * how long a session whose connection is gone waits for that (ejabberd's {@code resume_timeout}).
 */
public record StreamManagementSettings(int maxUnacknowledged, boolean resumption, Duration maxResumptionTime) {
    public static StreamManagementSettings from(Config section) {
        int max = section.getInt("max-unacknowledged");
        if (max < 1 || max > 100_000) {
            throw new ConfigException.BadValue("rookery.modules.sm.max-unacknowledged",
                    "must be between 1 and 100000, not " + max);
        }
        Duration wait = section.getDuration("max-resumption-time");
        if (wait.compareTo(Duration.ofSeconds(1)) < 0 || wait.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException.BadValue("rookery.modules.sm.max-resumption-time",
                    "must be between 1 s and 1 h, not " + wait);
        }
        return new StreamManagementSettings(max, section.getBoolean("resumption"), wait);
    }
}
