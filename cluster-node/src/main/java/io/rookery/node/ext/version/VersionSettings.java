package io.rookery.node.ext.version;

import com.typesafe.config.Config;

/** {@code rookery.modules.version}: show-os, whether the answer names the operating system (XEP-0092 §5). */
public record VersionSettings(boolean showOs) {
    public static VersionSettings from(Config section) {
        return new VersionSettings(section.getBoolean("show-os"));
    }
}
