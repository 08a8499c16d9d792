package io.rookery.protocol.bosh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.xml.ParserLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The XEP-0124 wrapper read (with the examples of XEP-0124 and XEP-0206) and written. */
class BoshTest {
    private static final ParserLimits LIMITS = ParserLimits.forMaxStanzaBytes(65536);

    @Test
    void readsTheSessionCreationRequestOfXep0206() throws Exception {
        Bosh.Request r = Bosh.parse("<body content='text/xml; charset=utf-8'\n      from='user@example.com'\n"
                + "      hold='1'\n      rid='1573741820'\n      to='example.com'\n      route='xmpp:example.com:9999'\n"
                + "      secure='true'\n      ver='1.6'\n      wait='60'\n      ack='1'\n      xml:lang='en'\n"
                + "      xmlns='http://jabber.org/protocol/httpbind'\n      xmpp:version='1.0'\n"
                + "      xmlns:xmpp='urn:xmpp:xbosh'/>", LIMITS);
        assertEquals(1573741820L, r.rid());
        assertEquals(null, r.sid());
        assertEquals("1.0", r.xbosh("version"));
        assertEquals(60, r.seconds("wait"));
        assertEquals(1, r.seconds("hold"));
        assertEquals(-1, r.seconds("pause"));
        assertEquals(1, r.ack());
        assertEquals("en", r.body().attr("xml:lang"));
        assertTrue(r.empty());
        assertFalse(r.restart());
        assertFalse(r.terminate());
    }

    @Test
    void keepsThePayloadsAsWrittenAndReadsRestartAndTerminateWhateverThePrefix() throws Exception {
        String stanzas = "<message to='contact@example.com' xmlns='jabber:client'><body>Good morning!</body></message>"
                + "<message to='friend@example.com' xmlns='jabber:client'><body>Hey, what&apos;s up?</body></message>";
        Bosh.Request r = Bosh.parse("<?xml version='1.0'?>\n<body rid='1249243562' sid='SomeSID' "
                + "xmlns=\"http://jabber.org/protocol/httpbind\">" + stanzas + "</body>\n", LIMITS);
        assertEquals(stanzas, r.payload());
        assertEquals("SomeSID", r.sid());

        assertTrue(Bosh.parse("<body rid='1' sid='s' to='example.com' xml:lang='en' b:restart='true' "
                + "xmlns='http://jabber.org/protocol/httpbind' xmlns:b='urn:xmpp:xbosh'/>", LIMITS).restart());
        assertFalse(Bosh.parse("<body rid='1' sid='s' other:restart='true' xmlns:other='urn:other' "
                + "xmlns='http://jabber.org/protocol/httpbind'/>", LIMITS).restart(), "another namespace's restart");
        Bosh.Request t = Bosh.parse("<body rid='1' sid='s' type='terminate' xmlns='http://jabber.org/protocol/httpbind'>"
                + "<presence type='unavailable' xmlns='jabber:client'/></body>", LIMITS);
        assertTrue(t.terminate());
        assertEquals("<presence type='unavailable' xmlns='jabber:client'/>", t.payload());
    }

    @Test
    void refusesWhatIsNotOneBodyOfElements() {
        for (String bad : List.of("<body rid='1' xmlns='http://jabber.org/protocol/httpbind'>",
                "<body rid='1' xmlns='urn:not-bosh'/>", "<bodyx xmlns='http://jabber.org/protocol/httpbind'/>",
                "<body xmlns='http://jabber.org/protocol/httpbind'>text</body>",
                "<body xmlns='http://jabber.org/protocol/httpbind'/><body xmlns='http://jabber.org/protocol/httpbind'/>",
                "<body xmlns='http://jabber.org/protocol/httpbind'><!-- c --></body>", "", "not xml")) {
            assertThrows(Bosh.BadRequest.class, () -> Bosh.parse(bad, LIMITS), bad);
        }
        StringBuilder big = new StringBuilder("<body xmlns='http://jabber.org/protocol/httpbind'>");
        while (big.length() < 70_000) big.append("<message xmlns='jabber:client'><body>x</body></message>");
        assertThrows(Bosh.BadRequest.class, () -> Bosh.parse(big.append("</body>").toString(), LIMITS),
                "past the size limit");
    }

    @Test
    void ridsAndSecondsOutOfRangeReadAsAbsent() throws Exception {
        assertEquals(-1, Bosh.parse("<body rid='9007199254740992' xmlns='http://jabber.org/protocol/httpbind'/>",
                LIMITS).rid(), "2^53 is past the limit");
        assertEquals(9007199254740991L, Bosh.parse("<body rid='9007199254740991' "
                + "xmlns='http://jabber.org/protocol/httpbind'/>", LIMITS).rid());
        assertEquals(-1, Bosh.parse("<body rid='-5' wait='x' xmlns='http://jabber.org/protocol/httpbind'/>", LIMITS)
                .rid());
        assertEquals(-1, Bosh.parse("<body wait='x' xmlns='http://jabber.org/protocol/httpbind'/>", LIMITS)
                .seconds("wait"));
    }

    @Test
    void splitsAResponseWithoutTheParserAsTheOtherSideReadsIt() throws Exception {
        Bosh.Wrapper w = Bosh.split("<?xml version='1.0'?> <body xmlns='http://jabber.org/protocol/httpbind' "
                + "sid=\"a>b\" x:version='1.0' xmlns:x='urn:xmpp:xbosh' from='a&amp;b'><message xmlns='jabber:client'>"
                + "<body>hi</body></message></body>");
        assertEquals("a>b", w.attributes().get("sid"), "a quoted '>' does not end the tag");
        assertEquals("a&b", w.attributes().get("from"));
        assertEquals("1.0", Bosh.xbosh(w.attributes(), "version"));
        assertEquals("<message xmlns='jabber:client'><body>hi</body></message>", w.payload());
        assertEquals("", Bosh.split("<body type='terminate' xmlns='http://jabber.org/protocol/httpbind'/>").payload());
        for (String bad : List.of("", "<bodyx/>", "<body xmlns='x'", "<body xmlns='x'><message/>", "<message/>")) {
            assertThrows(Bosh.BadRequest.class, () -> Bosh.split(bad), bad);
        }
    }

    @Test
    void writesResponsesWithTheNamespacesTheirContentNeeds() {
        assertEquals("<body xmlns='http://jabber.org/protocol/httpbind'/>", Bosh.response(List.of(), List.of()));
        assertEquals("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='item-not-found'/>",
                Bosh.terminate(Bosh.Condition.ITEM_NOT_FOUND));
        assertEquals("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate'/>", Bosh.terminate(null),
                "the end of a session without a condition");
        assertEquals("<body xmlns='http://jabber.org/protocol/httpbind' sid='a&apos;b' xmpp:version='1.0'"
                + " xmlns:xmpp='urn:xmpp:xbosh' xmlns:stream='http://etherx.jabber.org/streams'>"
                + "<stream:features xmlns:stream='http://etherx.jabber.org/streams'/></body>",
                Bosh.response(java.util.Arrays.asList("sid", "a'b", "maxpause", null, "xmpp:version", "1.0"),
                        List.of("<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>")));
    }
}
