package io.rookery.persistence.offline;

import java.util.Objects;

/** One stored message stanza, as serialized XML, and when the server received it (epoch milliseconds). */
public record OfflineMessage(String stanzaXml, long receivedAtMillis) {

    public OfflineMessage {
        Objects.requireNonNull(stanzaXml, "stanzaXml");
    }
}
