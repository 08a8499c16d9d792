package io.rookery.protocol.stanza;

import io.rookery.protocol.xml.Element;
import java.util.Objects;

/**
 * A stanza error (RFC 6120 §8.3.2): {@code <error type='...'>} with a defined condition and optional text. The
 * element is in {@code jabber:client} like the stanza that carries it. The 'by' attribute, application-specific
 * conditions and the gone/redirect addresses are not modelled.
 */
public record StanzaError(StanzaErrorType type, StanzaErrorCondition condition, String text) {
    public StanzaError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(condition, "condition");
    }

    /** The condition with its default type and no text. */
    public static StanzaError of(StanzaErrorCondition condition) {
        return new StanzaError(condition.defaultType(), condition, null);
    }

    /** The condition with its default type and a descriptive text. */
    public static StanzaError of(StanzaErrorCondition condition, String text) {
        return new StanzaError(condition.defaultType(), condition, text);
    }

    public Element toElement() {
        Element.Builder b = Element.builder("error", Namespaces.CLIENT)
                .attr("type", type.value())
                .child(Element.of(condition.elementName(), Namespaces.STANZAS));
        if (text != null) {
            b.child(Element.builder("text", Namespaces.STANZAS).text(text).build());
        }
        return b.build();
    }

    /**
     * Reads a received {@code <error/>} (any namespace, since it inherits the stanza's). A missing or unknown
     * condition reads as undefined-condition and a missing or unknown type as the condition's default; null when
     * the element is not named error.
     */
    public static StanzaError fromElement(Element e) {
        if (!e.name().equals("error")) {
            return null;
        }
        StanzaErrorCondition condition = null;
        String text = null;
        for (Element c : e.elements()) {
            if (!c.namespace().equals(Namespaces.STANZAS)) {
                continue;
            }
            if (c.name().equals("text")) {
                text = c.text();
            } else if (condition == null) {
                condition = StanzaErrorCondition.fromElementName(c.name());
            }
        }
        if (condition == null) {
            condition = StanzaErrorCondition.UNDEFINED_CONDITION;
        }
        StanzaErrorType type = StanzaErrorType.fromValue(e.attr("type"));
        return new StanzaError(type == null ? condition.defaultType() : type, condition, text);
    }
}
