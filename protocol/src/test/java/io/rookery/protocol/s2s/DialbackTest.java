package io.rookery.protocol.s2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.XmppStreamParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DialbackTest {
    @Test
    void theKeyIsXep0185sExample() {
        // XEP-0185 §4: secret, receiving, originating and stream id of the example, and the key it prints.
        assertEquals("37c69b1cf07a3f67c04a5ef5902fa5114f2c76fe4a2686482ba5b89323075643",
                Dialback.key("s3cr3tf0rd14lb4ck".getBytes(StandardCharsets.UTF_8), "xmpp.example.com", "example.org",
                        "D60000229F"));
    }

    @Test
    void keysDifferWithEachInput() {
        byte[] secret = "s".getBytes(StandardCharsets.UTF_8);
        String k = Dialback.key(secret, "a", "b", "id");
        assertFalse(k.equals(Dialback.key(secret, "b", "a", "id")));
        assertFalse(k.equals(Dialback.key(secret, "a", "b", "id2")));
        assertFalse(k.equals(Dialback.key("t".getBytes(StandardCharsets.UTF_8), "a", "b", "id")));
        assertTrue(Dialback.sameKey(k, Dialback.key(secret, "a", "b", "id")));
        assertFalse(Dialback.sameKey(k, null));
    }

    @Test
    void elementsParseBackAsDialbackElementsOnAServerStream() throws Exception {
        String stream = ServerStreams.header("example.org", "xmpp.example.com", null)
                + Dialback.result("example.org", "xmpp.example.com", "k1")
                + Dialback.verify("xmpp.example.com", "example.org", "D6", "k2")
                + Dialback.resultAnswer("xmpp.example.com", "example.org", true)
                + Dialback.verifyAnswer("example.org", "xmpp.example.com", "D6", false)
                + Dialback.resultError("xmpp.example.com", "example.org", "item-not-found");
        List<Element> got = parse(stream);
        assertEquals(5, got.size());
        assertTrue(Dialback.isResult(got.get(0)));
        assertEquals("k1", got.get(0).text());
        assertEquals("xmpp.example.com", got.get(0).attr("to"));
        assertTrue(Dialback.isVerify(got.get(1)));
        assertEquals("D6", got.get(1).attr("id"));
        assertEquals("valid", got.get(2).attr("type"));
        assertEquals("invalid", got.get(3).attr("type"));
        assertEquals("error", got.get(4).attr("type"));
        assertEquals("item-not-found", got.get(4).elements().get(0).elements().get(0).name());
    }

    static List<Element> parse(String stream) throws Exception {
        XmppStreamParser p = new XmppStreamParser(io.rookery.protocol.xml.ParserLimits.forMaxStanzaBytes(65536),
                "jabber:server");
        byte[] b = stream.getBytes(StandardCharsets.UTF_8);
        p.feed(b, 0, b.length);
        List<Element> out = new ArrayList<>();
        ParserEvent ev;
        while ((ev = p.next()) != null) {
            if (ev instanceof ParserEvent.ElementParsed e) out.add(e.element());
        }
        return out;
    }
}
