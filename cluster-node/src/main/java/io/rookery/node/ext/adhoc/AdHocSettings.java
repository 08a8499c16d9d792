package io.rookery.node.ext.adhoc;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code rookery.modules.adhoc}: the bare JIDs that may run the XEP-0133 commands (none when empty); how long the
 * session id of a command's form stays good; the longest announcement, in characters.
 */
public record AdHocSettings(Set<Jid> admins, Duration sessionTimeout, int maxAnnouncementLength) {
    public AdHocSettings {
        admins = Set.copyOf(admins);
    }

    static AdHocSettings from(Config c) {
        String name = "rookery.modules.adhoc";
        List<Jid> admins = new ArrayList<>();
        for (String s : c.getStringList("admins")) {
            try {
                Jid jid = Jid.parse(s.trim());
                if (!jid.isBare() || jid.local() == null) {
                    throw new ConfigException.BadValue(name + ".admins", s + " is not a bare user JID");
                }
                admins.add(jid);
            } catch (InvalidJidException e) {
                throw new ConfigException.BadValue(name + ".admins", s + " is not a JID: " + e.getMessage());
            }
        }
        Duration timeout = c.getDuration("session-timeout");
        if (timeout.compareTo(Duration.ofSeconds(10)) < 0 || timeout.compareTo(Duration.ofHours(24)) > 0) {
            throw new ConfigException.BadValue(name + ".session-timeout", "must be between 10s and 24h");
        }
        int length = c.getInt("max-announcement-length");
        if (length < 1 || length > 65_536) {
            throw new ConfigException.BadValue(name + ".max-announcement-length", "must be between 1 and 65536");
        }
        return new AdHocSettings(Set.copyOf(admins), timeout, length);
    }
}
