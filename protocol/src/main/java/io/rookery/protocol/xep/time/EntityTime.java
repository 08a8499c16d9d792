package io.rookery.protocol.xep.time;

import io.rookery.protocol.xml.Element;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** XEP-0202 §3: {@code <time><tzo/><utc/></time>}, the time as XEP-0082 DateTime. */
public final class EntityTime {
    public static final String NS = "urn:xmpp:time";
    public static final String ELEMENT = "time";

    private EntityTime() {}

    /** An entity that keeps UTC: offset +00:00 and the instant to the second with 'Z'. */
    public static Element utc(Instant now) {
        return Element.builder(ELEMENT, NS)
                .child(Element.builder("tzo", NS).text("+00:00").build())
                .child(Element.builder("utc", NS).text(now.truncatedTo(ChronoUnit.SECONDS).toString()).build())
                .build();
    }
}
