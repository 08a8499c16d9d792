package io.rookery.node.ext.vcard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.Modules;
import io.rookery.node.ext.TestAccount;
import io.rookery.persistence.vcard.VCardStored;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.vcard.VCard;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The vCard module's handlers as data in, data out: no actors, no journal. */
class VCardModuleTest {
    private final Modules modules = Modules.fromConfig(ConfigFactory.defaultReference(), Clock.systemUTC(),
            Instant.now());

    /** An account whose vCard part holds xml (null: none stored). */
    private static AccountView account(String xml) {
        return TestAccount.of("juliet@localhost").with(VCardModule.VCARD, xml);
    }

    private static Element iq(String type, Element payload) {
        return Element.builder("iq", Namespaces.CLIENT).attr("from", "juliet@localhost/desk").attr("type", type)
                .attr("id", "v1").child(payload).build();
    }

    private static Element card(String fn) {
        return Element.builder(VCard.ELEMENT, VCard.NS).child(Element.builder("FN", VCard.NS).text(fn).build()).build();
    }

    @Test
    void aSetByTheUserPersistsTheVCardBeforeTheResultIsSent() {
        IqOutcome out = modules.handle(AddressKind.OWN_ACCOUNT, iq("set", card("Juliet")), account(null));
        assertEquals(List.of(new VCardStored(StoredXml.write(card("Juliet")))), out.persist());
        assertEquals("result", out.reply().attr("type"));
    }

    @Test
    void aGetReturnsTheStoredVCardOrAnEmptyOne() {
        String stored = StoredXml.write(card("Juliet"));
        Element mine = modules.handle(AddressKind.OWN_ACCOUNT, iq("get", Element.of(VCard.ELEMENT, VCard.NS)),
                account(stored)).reply();
        assertEquals("Juliet", mine.child(VCard.ELEMENT, VCard.NS).childText("FN", VCard.NS));
        Element theirs = modules.handle(AddressKind.OTHER_ACCOUNT, iq("get", Element.of(VCard.ELEMENT, VCard.NS)),
                account(null)).reply();
        assertEquals(0, theirs.child(VCard.ELEMENT, VCard.NS).elements().size());
    }

    @Test
    void anotherUserMayNotSetIt() {
        IqOutcome out = modules.handle(AddressKind.OTHER_ACCOUNT, iq("set", card("Mallory")), account(null));
        assertEquals(List.of(), out.persist());
        assertNotNull(out.reply().child("error", Namespaces.CLIENT).child("forbidden", Namespaces.STANZAS));
    }

    @Test
    void aVCardOverTheLimitIsNotAcceptableAndNotStored() {
        Element big = Element.builder(VCard.ELEMENT, VCard.NS)
                .child(Element.builder("NOTE", VCard.NS).text("x".repeat(VCardModule.MAX_BYTES)).build()).build();
        IqOutcome out = modules.handle(AddressKind.OWN_ACCOUNT, iq("set", big), account(null));
        assertEquals(List.of(), out.persist());
        assertNotNull(out.reply().child("error", Namespaces.CLIENT).child("not-acceptable", Namespaces.STANZAS));
    }
}
