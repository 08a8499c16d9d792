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

    /** The same, without the whitespace-only text between elements (for expectations written over many lines). */
    public static Element compact(String xml) {
        return compact(parse(xml));
    }

    private static Element compact(Element e) {
        List<Node> children = new java.util.ArrayList<>(e.children().size());
        for (Node n : e.children()) {
            if (n instanceof Element child) {
                children.add(compact(child));
            } else if (!(n instanceof Text t && t.text().isBlank())) {
                children.add(n);
            }
        }
        return e.withChildren(children);
    }
}
