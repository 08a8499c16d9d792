package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.iq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.rookery.node.ext.vcard.VCardModule;
import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** XEP-0054 vcard-temp: the user's own vCard get and set, and the server answering others at the bare JID. */
class VCardTest {
    private static final String VCARD = "vcard-temp";
    private static SingleNode node;

    private Jid alice;
    private Session desk;
    private Session bob;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @BeforeEach
    void accounts() {
        alice = node.newAccount("alice");
        desk = node.bind(alice, "desk");
        bob = node.bind(node.newAccount("bob"), "phone");
    }

    private static Element note(String text) {
        return Element.builder("vCard", VCARD).child(Element.builder("NOTE", VCARD).text(text).build()).build();
    }

    private static Element vcard(String fullName) {
        return Element.builder("vCard", VCARD)
                .child(Element.builder("FN", VCARD).text(fullName).build())
                .child(Element.builder("NICKNAME", VCARD).text("nick of " + fullName).build())
                .build();
    }

    /** Sends an iq without 'to' from the session (RFC 6120 §10.3.3: to the account itself) and returns the answer. */
    private Element own(Session s, String type, String id, Element payload) {
        Element iq = Element.builder("iq", Namespaces.CLIENT).attr("from", s.jid().toString()).attr("type", type)
                .attr("id", id).child(payload).build();
        node.router.user(s.jid()).tell(new UserEntity.OwnIq(s.jid().resource(), iq));
        Element reply = s.nextStanza();
        assertEquals("iq", reply.name(), reply::toString);
        assertEquals(id, reply.attr("id"), reply::toString);
        return reply;
    }

    private static void assertError(Element reply, String condition) {
        assertEquals("error", reply.attr("type"), reply::toString);
        assertNotNull(reply.child("error", Namespaces.CLIENT).child(condition, Namespaces.STANZAS), reply::toString);
    }

    @Test
    void aUserWithoutAVCardGetsAnEmptyOne() {
        Element reply = own(desk, "get", "v1", Element.of("vCard", VCARD));

        assertEquals("result", reply.attr("type"), reply::toString);
        assertEquals(desk.jid().toString(), reply.attr("to"), reply::toString);
        assertEquals(Element.of("vCard", VCARD), reply.child("vCard", VCARD));
    }

    @Test
    void aStoredVCardIsReturnedWholeAndASecondSetReplacesIt() {
        Element set = own(desk, "set", "s1", vcard("Alice Liddell"));
        assertEquals("result", set.attr("type"), set::toString);
        assertEquals(0, set.elements().size(), set::toString);
        assertEquals(vcard("Alice Liddell"), own(desk, "get", "g1", Element.of("vCard", VCARD)).child("vCard", VCARD));

        own(desk, "set", "s2", vcard("Alice Pleasance"));

        // Another resource of the same account reads the same, latest vCard.
        Session phone = node.bind(alice, "phone");
        assertEquals(vcard("Alice Pleasance"),
                own(phone, "get", "g2", Element.of("vCard", VCARD)).child("vCard", VCARD));
    }

    @Test
    void anotherUserGetsTheVCardFromTheBareJidAnsweredByTheServer() {
        own(desk, "set", "s1", vcard("Alice Liddell"));

        Element get = iq(bob.jid(), alice, "get", "other1", Element.of("vCard", VCARD));
        node.router.route(get);

        Element reply = bob.nextStanza();
        assertEquals("result", reply.attr("type"), reply::toString);
        assertEquals("other1", reply.attr("id"), reply::toString);
        assertEquals(alice.toString(), reply.attr("from"), reply::toString);
        assertEquals(bob.jid().toString(), reply.attr("to"), reply::toString);
        assertEquals(vcard("Alice Liddell"), reply.child("vCard", VCARD));
    }

    @Test
    void anotherUserMayNotSetTheVCardAndNothingChanges() {
        own(desk, "set", "s1", vcard("Alice Liddell"));

        node.router.route(iq(bob.jid(), alice, "set", "forged", vcard("Mallory")));

        Element reply = bob.nextStanza();
        assertEquals("forged", reply.attr("id"), reply::toString);
        assertError(reply, "forbidden");
        assertEquals(vcard("Alice Liddell"), own(desk, "get", "g1", Element.of("vCard", VCARD)).child("vCard", VCARD));
    }

    @Test
    void aVCardOverTheSizeLimitIsNotAcceptableAndTheOldOneStays() {
        own(desk, "set", "s1", vcard("Alice Liddell"));
        Element huge = Element.builder("vCard", VCARD)
                .child(Element.builder("PHOTO", VCARD).child(Element.builder("BINVAL", VCARD)
                        .text("A".repeat(VCardModule.MAX_BYTES)).build()).build())
                .build();

        assertError(own(desk, "set", "big", huge), "not-acceptable");

        assertEquals(vcard("Alice Liddell"), own(desk, "get", "g1", Element.of("vCard", VCARD)).child("vCard", VCARD));
    }

    @Test
    void aVCardJustUnderTheLimitIsStored() {
        // Exactly MAX_BYTES once serialized: the one-character note's length tells how much the markup takes.
        int markup = StoredXml.write(note("n")).length() - 1;
        Element fits = note("n".repeat(VCardModule.MAX_BYTES - markup));
        assertEquals(VCardModule.MAX_BYTES, StoredXml.write(fits).length());

        assertEquals("result", own(desk, "set", "fits", fits).attr("type"));
        assertEquals(fits, own(desk, "get", "g1", Element.of("vCard", VCARD)).child("vCard", VCARD));
    }
}
