package io.rookery.node.ext.push;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code rookery.modules.push}: whether a notification carries the message's body (off: bodies go through third
 * parties, XEP-0357 §10) and, cut to maxBodyLength characters, its sender; the registrations one account keeps
 * (enabling one more replaces the oldest); and how long an app server's answer is waited for: an error that comes
 * later does not disable the registration (it is counted late).
 */
public record PushSettings(boolean includeBody, boolean includeSender, int maxBodyLength, int maxRegistrations,
        Duration answerTimeout) {
    public static PushSettings from(Config section) {
        int body = section.getInt("max-body-length");
        if (body < 1 || body > 4096) {
            throw new ConfigException.BadValue("rookery.modules.push.max-body-length", "must be between 1 and 4096");
        }
        int max = section.getInt("max-registrations");
        if (max < 1 || max > 100) {
            throw new ConfigException.BadValue("rookery.modules.push.max-registrations", "must be between 1 and 100");
        }
        Duration timeout = section.getDuration("notification-timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException.BadValue("rookery.modules.push.notification-timeout",
                    "must be more than 0 and at most 1h");
        }
        return new PushSettings(section.getBoolean("include-body"), section.getBoolean("include-sender"), body, max,
                timeout);
    }
}
