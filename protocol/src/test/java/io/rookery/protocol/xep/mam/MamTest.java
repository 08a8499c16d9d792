package io.rookery.protocol.xep.mam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xep.rsm.ResultSet;
import io.rookery.protocol.xep.sid.StanzaId;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.TestXml;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XEP-0313's elements (with XEP-0059 paging and XEP-0359 ids), read from and written as the XEPs' examples. */
class MamTest {

    @Test
    void aQueryWithEveryFilterAndPagingIsRead() throws Exception {
        Mam.Query q = Mam.parseQuery(TestXml.compact("""
                <query xmlns='urn:xmpp:mam:2' queryid='f27'>
                  <x xmlns='jabber:x:data' type='submit'>
                    <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>
                    <field var='with'><value>juliet@capulet.lit</value></field>
                    <field var='start'><value>2010-06-07T00:00:00Z</value></field>
                    <field var='end'><value>2010-07-07T13:23:54+02:00</value></field>
                    <field var='after-id'><value>09af3-cc343-b409f</value></field>
                  </x>
                  <set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before/></set>
                  <flip-page/>
                </query>"""));
        assertEquals("f27", q.queryId());
        assertEquals(Jid.parse("juliet@capulet.lit"), q.with());
        assertEquals(Instant.parse("2010-06-07T00:00:00Z"), q.start());
        assertEquals(Instant.parse("2010-07-07T11:23:54Z"), q.end());
        assertEquals("09af3-cc343-b409f", q.afterId());
        assertNull(q.beforeId());
        assertEquals(10, q.page().max());
        assertTrue(q.page().backward(), "an empty <before/> asks for the last page");
        assertEquals("", q.page().before());
        assertTrue(q.flipPage());
    }

    @Test
    void anEmptyQueryFiltersNothingAndPagesNothing() {
        Mam.Query q = Mam.parseQuery(TestXml.parse("<query xmlns='urn:xmpp:mam:2'/>"));
        assertNull(q.queryId());
        assertNull(q.with());
        assertEquals(ResultSet.Request.NONE, q.page());
        assertFalse(q.page().backward());
        assertFalse(q.flipPage());
    }

    @Test
    void theExtendedIdsFieldTakesEveryValue() {
        Mam.Query q = Mam.parseQuery(TestXml.compact("""
                <query xmlns='urn:xmpp:mam:2'><x xmlns='jabber:x:data' type='submit'>
                  <field var='ids'><value>28482-98726-73623</value><value>09af3-cc343-b409f</value></field>
                </x></query>"""));
        assertEquals(List.of("28482-98726-73623", "09af3-cc343-b409f"), q.ids());
    }

    @Test
    void whatSection4MakesABadRequestIsRefused() {
        for (String field : List.of("<field var='with'><value>@@@</value></field>",
                "<field var='start'><value>yesterday</value></field>",
                "<field var='FORM_TYPE'><value>urn:xmpp:mam:1</value></field>")) {
            assertThrows(IllegalArgumentException.class, () -> Mam.parseQuery(TestXml.parse(
                    "<query xmlns='urn:xmpp:mam:2'><x xmlns='jabber:x:data' type='submit'>" + field + "</x></query>")),
                    field);
        }
        assertThrows(IllegalArgumentException.class, () -> Mam.parseQuery(TestXml.parse(
                "<query xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><max>-1</max></set></query>")));
        // §4.1.5: an unknown field is feature-not-implemented, not bad-request.
        assertThrows(Mam.UnknownField.class, () -> Mam.parseQuery(TestXml.parse("<query xmlns='urn:xmpp:mam:2'>"
                + "<x xmlns='jabber:x:data' type='submit'><field var='include-groupchat'><value>true</value></field>"
                + "</x></query>")));
    }

    @Test
    void theFormOffersTheExtendedFieldsWithIdsOpenToAnyValue() {
        assertEquals(TestXml.compact("""
                <query xmlns='urn:xmpp:mam:2'><x xmlns='jabber:x:data' type='form'>
                  <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>
                  <field var='with' type='jid-single'/>
                  <field var='start' type='text-single'/>
                  <field var='end' type='text-single'/>
                  <field var='after-id' type='text-single'/>
                  <field var='before-id' type='text-single'/>
                  <field var='ids' type='list-multi'>
                    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:string'><open/></validate>
                  </field>
                </x></query>"""), Mam.queryForm());
    }

    @Test
    void aResultForwardsTheMessageWithItsStamp() {
        Element message = TestXml.parse("<message xmlns='jabber:client' to='juliet@capulet.lit/balcony' "
                + "from='romeo@montague.lit/orchard' type='chat'><body>Call me but love</body></message>");
        Element result = Mam.result("juliet@capulet.lit/chamber", "f27", "28482-98726-73623",
                Instant.parse("2010-07-10T23:08:25Z"), message);
        assertEquals(TestXml.compact("""
                <message xmlns='jabber:client' to='juliet@capulet.lit/chamber'>
                  <result xmlns='urn:xmpp:mam:2' queryid='f27' id='28482-98726-73623'>
                    <forwarded xmlns='urn:xmpp:forward:0'>
                      <delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>
                      <message xmlns='jabber:client' to='juliet@capulet.lit/balcony'
                        from='romeo@montague.lit/orchard' type='chat'><body>Call me but love</body></message>
                    </forwarded>
                  </result>
                </message>"""), result);
    }

    @Test
    void finSaysWhetherThePageIsTheLast() {
        assertEquals(TestXml.parse("<fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'>"
                + "<first>23452-4534-1</first><last>390-2342-22</last></set></fin>"),
                Mam.fin(true, "23452-4534-1", "390-2342-22"));
        assertEquals(TestXml.parse("<fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'/></fin>"),
                Mam.fin(false, null, null));
    }

    @Test
    void prefsAreReadAsBareJidsAndWrittenBack() {
        Mam.Prefs prefs = Mam.parsePrefs(TestXml.compact("""
                <prefs xmlns='urn:xmpp:mam:2' default='roster'>
                  <always><jid>romeo@montague.lit</jid></always>
                  <never><jid>montague@montague.lit/x</jid><jid>montague@montague.lit</jid></never>
                </prefs>"""));
        assertEquals(Mam.DefaultMode.ROSTER, prefs.defaultMode());
        assertEquals(List.of("romeo@montague.lit"), prefs.always());
        assertEquals(List.of("montague@montague.lit"), prefs.never());
        assertEquals(prefs, Mam.parsePrefs(prefs.toXml()));
        assertThrows(IllegalArgumentException.class,
                () -> Mam.parsePrefs(TestXml.parse("<prefs xmlns='urn:xmpp:mam:2' default='sometimes'/>")));
    }

    @Test
    void metadataNamesTheFirstAndLastMessages() {
        assertEquals(TestXml.compact("""
                <metadata xmlns='urn:xmpp:mam:2'>
                  <start id='YWxwaGEg' timestamp='2008-08-22T21:09:04Z'/>
                  <end id='b21lZ2Eg' timestamp='2020-04-20T14:34:21Z'/>
                </metadata>"""), Mam.metadata("YWxwaGEg", Instant.parse("2008-08-22T21:09:04Z"),
                "b21lZ2Eg", Instant.parse("2020-04-20T14:34:21Z")));
        assertEquals(TestXml.parse("<metadata xmlns='urn:xmpp:mam:2'/>"), Mam.metadata(null, null, null, null));
    }

    @Test
    void aStanzaIdByTheArchiveReplacesAnyOtherClaimingTheSameArchive() {
        Element forged = TestXml.parse("<message xmlns='jabber:client'><body>x</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@capulet.lit' id='forged'/>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='room@muc.capulet.lit' id='kept'/></message>");
        Element stamped = StanzaId.stamp(forged, "juliet@capulet.lit", "42");
        assertEquals("42", StanzaId.of(stamped, "juliet@capulet.lit"));
        assertEquals("kept", StanzaId.of(stamped, "room@muc.capulet.lit"));
        assertEquals(2, stamped.children("stanza-id", StanzaId.NS).size());
        assertNull(StanzaId.of(StanzaId.strip(forged, "juliet@capulet.lit"), "juliet@capulet.lit"));
    }
}
