package io.rookery.persistence.muc;

import java.util.Map;

/**
 * §10.2: the owner submitted the configuration form; fields maps each {@code muc#roomconfig_*} var to its value
 * (values of list-multi fields joined by newlines). It is the whole configuration: fields not in it take defaults.
 */
public record RoomConfigured(Map<String, String> fields) implements RoomEvent {
    public RoomConfigured {
        fields = Map.copyOf(fields);
    }
}
