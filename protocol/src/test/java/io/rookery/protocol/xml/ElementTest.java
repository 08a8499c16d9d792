package io.rookery.protocol.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ElementTest {
    private final Element message = Element.builder("message", "jabber:client")
            .attr("to", "romeo@example.net")
            .attr("id", "m1")
            .text("hello ")
            .child(Element.builder("body", "jabber:client").text("Art thou").text(" not Romeo?").build())
            .text("world")
            .child(Element.of("x", "urn:a"))
            .child(Element.of("x", "urn:b"))
            .build();

    @Test
    void accessorsFindAttributesChildrenAndText() {
        assertEquals("romeo@example.net", message.attr("to"));
        assertNull(message.attr("from"));
        assertEquals("hello world", message.text());
        assertEquals("Art thou not Romeo?", message.childText("body", "jabber:client"));
        assertNull(message.childText("subject", "jabber:client"));
        assertEquals("urn:b", message.child("x", "urn:b").namespace());
        assertEquals("urn:a", message.child("x", null).namespace());
        assertNull(message.child("x", "urn:c"));
        assertEquals(2, message.children("x", null).size());
        assertEquals(List.of("body", "x", "x"), message.elements().stream().map(Element::name).toList());
        assertEquals("", Element.of("presence", "jabber:client").text());
    }

    @Test
    void withAttrReplacesInPlaceAppendsAndRemoves() {
        Element e = message.withAttr("to", "juliet@example.com").withAttr("type", "chat");
        assertEquals(List.of("to", "id", "type"), List.copyOf(e.attributes().keySet()));
        assertEquals("juliet@example.com", e.attr("to"));
        Element removed = e.withAttr("to", null);
        assertEquals(List.of("id", "type"), List.copyOf(removed.attributes().keySet()));
        assertSame(removed, removed.withAttr("absent", null));
        assertEquals("romeo@example.net", message.attr("to"));
    }

    @Test
    void isImmutableAndCopiesItsInputs() {
        Map<String, String> attrs = new LinkedHashMap<>(Map.of("a", "1"));
        List<Node> children = new ArrayList<>(List.of(new Text("t")));
        Element e = new Element("e", null, attrs, children);
        attrs.put("b", "2");
        children.add(new Text("u"));
        assertEquals(Map.of("a", "1"), e.attributes());
        assertEquals(List.of(new Text("t")), e.children());
        assertEquals("", e.namespace());
        assertThrows(UnsupportedOperationException.class, () -> e.attributes().put("c", "3"));
        assertThrows(UnsupportedOperationException.class, () -> e.children().add(new Text("v")));
    }

    @Test
    void equalityIsStructural() {
        Element a = Element.builder("iq", "jabber:client").attr("id", "1").child(Element.of("ping", "urn:xmpp:ping"))
                .build();
        Element b = new Element("iq", "jabber:client", Map.of("id", "1"), List.of(Element.of("ping", "urn:xmpp:ping")));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, a.withAttr("id", "2"));
        assertNotEquals(a, new Element("iq", "jabber:server", Map.of("id", "1"), a.children()));
    }

    @Test
    void namesThatWouldBreakTheXmlAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Element.of("a b", ""));
        assertThrows(IllegalArgumentException.class, () -> Element.of("a>", ""));
        assertThrows(IllegalArgumentException.class, () -> Element.of("", ""));
        assertThrows(IllegalArgumentException.class, () -> Element.builder("a", "").attr("x='1'", "v"));
        assertThrows(IllegalArgumentException.class, () -> Element.builder("a", "").attr("xmlns", "urn:x"));
        assertThrows(IllegalArgumentException.class, () -> Element.of("a", "").withAttr("b c", "1"));
        assertThrows(NullPointerException.class, () -> new Text(null));
    }
}
