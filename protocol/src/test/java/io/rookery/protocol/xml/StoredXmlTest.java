package io.rookery.protocol.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** What the server wrote reads back, whatever its shape; what is not one element does not. */
class StoredXmlTest {

    @Test
    void anOmemoBundleOfAHundredKeysReadsBack() {
        // converse.js publishes such a bundle (urn:xmpp:omemo:2) at every login: 7 KB of small elements, which the
        // tree holds at several times their bytes.
        Element.Builder prekeys = Element.builder("prekeys", "urn:xmpp:omemo:2");
        for (int i = 1; i <= 100; i++) {
            prekeys.child(Element.builder("pk", "urn:xmpp:omemo:2").attr("id", Integer.toString(i))
                    .text("BVTw9H8BnR2Mt0k6eMZdGo3lvoi7bbzCj34pwm2f0rVz").build());
        }
        Element bundle = Element.builder("item", "http://jabber.org/protocol/pubsub").attr("id", "9216")
                .child(Element.builder("bundle", "urn:xmpp:omemo:2")
                        .child(Element.builder("spk", "urn:xmpp:omemo:2").attr("id", "0").text("Ba".repeat(22)).build())
                        .child(Element.builder("spks", "urn:xmpp:omemo:2").text("Zz".repeat(44)).build())
                        .child(Element.builder("ik", "urn:xmpp:omemo:2").text("Ik".repeat(22)).build())
                        .child(prekeys.build()).build()).build();
        String xml = StoredXml.write(bundle);
        assertEquals(bundle, StoredXml.parse(xml));

        // The shape that costs the most heap per byte, well past the stream's default ratio of four.
        Element.Builder many = Element.builder("list", "urn:example");
        for (int i = 0; i < 5000; i++) many.child(Element.builder("x", "urn:example").attr("a", "b").build());
        Element list = many.build();
        assertEquals(list, StoredXml.parse(StoredXml.write(list)));
    }

    @Test
    void textThatIsNotOneWellFormedElementIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> StoredXml.parse("<a><b></a>"));
        assertThrows(IllegalArgumentException.class, () -> StoredXml.parse("just text"));
    }
}
