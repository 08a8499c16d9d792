package io.rookery.node.ext.sm;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code rookery.modules.sm}: the stanzas written to a client and not yet acknowledged that a session keeps, past
 * which the stream ends with policy-violation (ejabberd's {@code max_ack_queue}); whether streams can be resumed and
 * how long a session whose connection is gone waits for that (ejabberd's {@code resume_timeout}); where clients should
 * reconnect to resume (XEP-0198 §3 {@code location}: this node's own address, when a load balancer would otherwise send
 * them to any node); when the server asks for an acknowledgement: once this many stanzas wait for one, or once the
 * first of fewer has waited this long (Prosody's {@code smacks_max_unacked_stanzas} and {@code smacks_max_ack_delay});
 * whether a message to a user counts as handled only once the recipient's account kept it, and how long that may take
 * before the message is routed again; whether a resumable stream is kept in Cassandra so that it survives its node
 * ({@code resumption-after-node-loss}), and how long its rows live there.
 */
public record StreamManagementSettings(int maxUnacknowledged, boolean resumption, Duration maxResumptionTime,
        String location, int requestAckAfterStanzas, Duration requestAckAfter, boolean ackWhenStored,
        Duration ackWhenStoredTimeout, boolean durable, Duration keptFor) {
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
        String location = section.getString("location").trim();
        // A host name, an IPv4 address or a bracketed IPv6 address, with an optional port: nothing to escape.
        if (!location.matches("[A-Za-z0-9.\\-\\[\\]:]{0,255}")) {
            throw new ConfigException.BadValue("rookery.modules.sm.location",
                    "must be a host or address with an optional port, not " + location);
        }
        int count = section.getInt("request-ack-after-stanzas");
        if (count < 1 || count > max) {
            throw new ConfigException.BadValue("rookery.modules.sm.request-ack-after-stanzas",
                    "must be between 1 and max-unacknowledged, not " + count);
        }
        Duration after = section.getDuration("request-ack-after");
        if (after.isNegative() || after.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException.BadValue("rookery.modules.sm.request-ack-after",
                    "must be between 0 and 1 h, not " + after);
        }
        Duration storedTimeout = section.getDuration("ack-when-stored-timeout");
        if (storedTimeout.compareTo(Duration.ofSeconds(1)) < 0 || storedTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new ConfigException.BadValue("rookery.modules.sm.ack-when-stored-timeout",
                    "must be between 1 s and 10 min, not " + storedTimeout);
        }
        Duration keptFor = section.getDuration("kept-for");
        if (keptFor.compareTo(wait) < 0 || keptFor.compareTo(Duration.ofDays(30)) > 0) {
            throw new ConfigException.BadValue("rookery.modules.sm.kept-for",
                    "must be between max-resumption-time and 30 days, not " + keptFor);
        }
        boolean resumption = section.getBoolean("resumption");
        return new StreamManagementSettings(max, resumption, wait, location, count, after,
                section.getBoolean("ack-when-stored"), storedTimeout,
                resumption && section.getBoolean("resumption-after-node-loss"), keptFor);
    }
}
