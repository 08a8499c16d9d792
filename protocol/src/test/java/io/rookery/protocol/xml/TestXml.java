package io.rookery.protocol.xml;

import java.util.List;

/** Literal XML to elements, through the real parser, for codec tests in other packages. */
public final class TestXml {
    public static final String HEADER = "<?xml version='1.0'?><stream:stream to='example.com' version='1.0'"
            + " xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

    private TestXml() {
    }

    /** The single top-level element in {@code xml}, parsed as the content of a client stream. */
    public static Element parse(String xml) {
        List<Object> events = ParserDriver.whole(HEADER + xml, 1 << 20);
        if (events.size() != 2 || !(events.get(1) instanceof ParserEvent.ElementParsed e)) {
            throw new AssertionError("expected one element, got " + events);
        }
        return e.element();
    }
}
