package io.rookery.node.user;

import io.rookery.node.metrics.NodeMetrics;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;

/**
 * The answer to a stanza an overloaded account cannot take now: {@code <resource-constraint/>} of type wait
 * (RFC 6120 §8.3.3.18), so the sender knows it was not delivered and may retry. Messages (not errors, not carbon
 * copies), subscription presence and iq requests are answered; presence updates are superseded by the next one, and
 * errors and results are never answered (§8.3.1).
 */
public final class OverloadReply {
    private OverloadReply() {}

    /** The answer, or null for a stanza that gets none. */
    public static Element of(Element stanza) {
        return worthAnswering(stanza)
                ? Stanzas.errorReply(stanza, StanzaError.of(StanzaErrorCondition.RESOURCE_CONSTRAINT)) : null;
    }

    /** Answers the stanza (when it gets an answer) and counts it. */
    static void bounce(Element stanza, StanzaRouter router, NodeMetrics metrics) {
        Element answer = of(stanza);
        if (answer == null) return;
        metrics.bouncedOverload(stanza.name());
        router.route(answer);
    }

    private static boolean worthAnswering(Element stanza) {
        if (stanza.attr("from") == null) return false;
        String type = stanza.attr("type");
        switch (stanza.name()) {
            case "iq" -> {
                return "get".equals(type) || "set".equals(type);
            }
            case "message" -> {
                if ("error".equals(type)) return false;
                for (Element child : stanza.elements()) {
                    if (io.rookery.protocol.xep.carbons.Carbons.NS.equals(child.namespace())) return false;
                }
                return true;
            }
            case "presence" -> {
                return "subscribe".equals(type) || "subscribed".equals(type) || "unsubscribe".equals(type)
                        || "unsubscribed".equals(type);
            }
            default -> {
                return false;
            }
        }
    }
}
