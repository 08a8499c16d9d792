package io.rookery.protocol.xep.hostmeta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** XEP-0156 §3's documents, with values that need escaping. */
class HostMetaTest {

    @Test
    void xrdAndJsonCarryEachLinkEscaped() {
        Map<String, String> links = new LinkedHashMap<>();
        links.put(HostMeta.WEBSOCKET, "wss://example.com/ws?a=1&b='2'");
        links.put(HostMeta.BOSH, "https://example.com/\"bosh\\");

        String xrd = HostMeta.xrd(links);
        Element doc = StoredXml.parse(xrd.substring(xrd.indexOf("<XRD")));
        assertEquals("XRD", doc.name());
        assertEquals(HostMeta.XRD_NS, doc.namespace());
        var found = doc.children("Link", HostMeta.XRD_NS);
        assertEquals(2, found.size());
        assertEquals(HostMeta.WEBSOCKET, found.get(0).attr("rel"));
        assertEquals("wss://example.com/ws?a=1&b='2'", found.get(0).attr("href"));
        assertEquals("https://example.com/\"bosh\\", found.get(1).attr("href"));

        assertEquals("{\"links\":[{\"rel\":\"urn:xmpp:alt-connections:websocket\",\"href\":"
                + "\"wss://example.com/ws?a=1&b='2'\"},{\"rel\":\"urn:xmpp:alt-connections:xbosh\",\"href\":"
                + "\"https://example.com/\\\"bosh\\\\\"}]}\n", HostMeta.json(links));
    }
}
