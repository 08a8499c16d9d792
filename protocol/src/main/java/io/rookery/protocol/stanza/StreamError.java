package io.rookery.protocol.stanza;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.XmlWriter;
import java.util.Objects;

/**
 * A stream error (RFC 6120 §4.9.2): {@code <stream:error>} with a defined condition and optional descriptive text.
 * Application-specific conditions and the see-other-host value are not modelled.
 */
public record StreamError(StreamErrorCondition condition, String text) {
    public StreamError {
        Objects.requireNonNull(condition, "condition");
    }

    public static StreamError of(StreamErrorCondition condition) {
        return new StreamError(condition, null);
    }

    /** The {@code error} element in the streams namespace; written by {@link #toXml()} with the stream prefix. */
    public Element toElement() {
        Element.Builder b = Element.builder("error", Namespaces.STREAM)
                .child(Element.of(condition.elementName(), Namespaces.STREAMS_ERRORS));
        if (text != null) {
            b.child(Element.builder("text", Namespaces.STREAMS_ERRORS).text(text).build());
        }
        return b.build();
    }

    /**
     * The error as sent inside a stream: {@code <stream:error>} relies on the {@code stream} prefix declared by
     * the stream header, which {@link XmlWriter} cannot express, so the wrapper is written here.
     */
    public String toXml() {
        StringBuilder out = new StringBuilder(128);
        out.append("<stream:error>");
        for (Element child : toElement().elements()) {
            XmlWriter.write(child, Namespaces.CLIENT, out);
        }
        return out.append("</stream:error>").toString();
    }

    /**
     * Reads a received {@code <stream:error>}; a missing or unknown condition reads as undefined-condition
     * (RFC 6120 §4.9.3.21 is the catch-all), and null is returned when the element is not a stream error.
     */
    public static StreamError fromElement(Element e) {
        if (!e.is("error", Namespaces.STREAM)) {
            return null;
        }
        StreamErrorCondition condition = null;
        String text = null;
        for (Element c : e.elements()) {
            if (!c.namespace().equals(Namespaces.STREAMS_ERRORS)) {
                continue;
            }
            if (c.name().equals("text")) {
                text = c.text();
            } else if (condition == null) {
                condition = StreamErrorCondition.fromElementName(c.name());
            }
        }
        return new StreamError(condition == null ? StreamErrorCondition.UNDEFINED_CONDITION : condition, text);
    }
}
