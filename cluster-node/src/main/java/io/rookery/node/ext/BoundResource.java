package io.rookery.node.ext;

import io.rookery.protocol.xml.Element;

/**
 * One bound resource of an account as a handler sees it: its last available presence (null until it sent one, or
 * after it went unavailable), its priority and its {@link ResourceFlags}.
 */
public record BoundResource(String name, Element presence, int priority, int flags) {
    /** Whether the resource sent available presence (RFC 6121 §4.2 "available resource"). */
    public boolean available() {
        return presence != null;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
