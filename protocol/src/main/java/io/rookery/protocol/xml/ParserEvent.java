package io.rookery.protocol.xml;

import java.util.Objects;

/** What {@link XmppStreamParser#next()} reports. */
public sealed interface ParserEvent {
    /** The peer's {@code <stream:stream>} open tag, checked (RFC 6120 §4.7). */
    record StreamOpened(StreamHeader header) implements ParserEvent {
        public StreamOpened {
            Objects.requireNonNull(header, "header");
        }
    }

    /** A complete top-level child of the stream: a stanza or a negotiation element. */
    record ElementParsed(Element element) implements ParserEvent {
        public ElementParsed {
            Objects.requireNonNull(element, "element");
        }
    }

    /** The peer's {@code </stream:stream>} (RFC 6120 §4.4). */
    record StreamClosed() implements ParserEvent {
    }
}
