package io.rookery.node.ext.carbons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.Modules;
import io.rookery.node.ext.ResourceFlags;
import io.rookery.node.ext.TestAccount;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.carbons.Carbons;
import io.rookery.protocol.xml.Element;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XEP-0280 as data in, data out: the flag a toggle sets, and which resources get which copies. */
class CarbonsModuleTest {
    private final Modules modules = Modules.fromConfig(ConfigFactory.defaultReference(), Clock.systemUTC(),
            Instant.now());

    private static Element chat(String from, String to) {
        return Element.builder("message", Namespaces.CLIENT).attr("from", from).attr("to", to).attr("type", "chat")
                .child(Element.builder("body", Namespaces.CLIENT).text("hi").build()).build();
    }

    private static Element toggle(String payload) {
        return Element.builder("iq", Namespaces.CLIENT).attr("from", "juliet@localhost/desk").attr("type", "set")
                .attr("id", "c1").child(Element.of(payload, Carbons.NS)).build();
    }

    @Test
    void enablingSetsTheRequestersFlagAndDisablingClearsIt() {
        TestAccount juliet = TestAccount.of("juliet@localhost").bound("desk", 0);
        IqOutcome on = modules.handle(AddressKind.OWN_ACCOUNT, toggle("enable"), juliet);
        assertEquals("result", on.reply().attr("type"));
        assertEquals(ResourceFlags.CARBONS, on.flagsSet());
        IqOutcome off = modules.handle(AddressKind.OWN_ACCOUNT, toggle("disable"), juliet);
        assertEquals(ResourceFlags.CARBONS, off.flagsCleared());
        // A resource that is not bound (never expected) gets bad-request and no flag.
        IqOutcome stray = modules.handle(AddressKind.OWN_ACCOUNT, toggle("enable"), TestAccount.of("juliet@localhost"));
        assertNotNull(stray.reply().child("error", Namespaces.CLIENT).child("bad-request", Namespaces.STANZAS));
        assertEquals(0, stray.flagsSet());
    }

    @Test
    void aReceivedChatIsCopiedToTheOtherEnabledResourcesOnly() {
        TestAccount juliet = TestAccount.of("juliet@localhost").bound("desk", ResourceFlags.CARBONS)
                .bound("phone", ResourceFlags.CARBONS).bound("tablet", 0);
        HookOutcome out = modules.run(Hook.STANZA_RECEIVED, new Hook.StanzaReceived(juliet,
                chat("romeo@example.net/orchard", "juliet@localhost/desk"), List.of("desk")));
        assertEquals(1, out.toResources().size(), out::toString);
        HookOutcome.ToResource copy = out.toResources().get(0);
        assertEquals("phone", copy.resource());
        assertEquals("juliet@localhost", copy.stanza().attr("from"));
        assertEquals("juliet@localhost/phone", copy.stanza().attr("to"));
        assertNotNull(copy.stanza().child("received", Carbons.NS).child("forwarded", Carbons.FORWARD));
    }

    @Test
    void aSentChatIsCopiedButAPrivateOneIsNot() {
        TestAccount juliet = TestAccount.of("juliet@localhost").bound("desk", ResourceFlags.CARBONS)
                .bound("phone", ResourceFlags.CARBONS);
        HookOutcome sent = modules.run(Hook.STANZA_SENT, new Hook.StanzaSent(juliet, "desk",
                chat("juliet@localhost/desk", "romeo@example.net")));
        assertEquals(List.of("phone"), sent.toResources().stream().map(HookOutcome.ToResource::resource).toList());
        assertNotNull(sent.toResources().get(0).stanza().child("sent", Carbons.NS));
        Element secret = Element.builder("message", Namespaces.CLIENT).attr("type", "chat")
                .attr("from", "juliet@localhost/desk").attr("to", "romeo@example.net")
                .child(Element.of("private", Carbons.NS)).build();
        assertEquals(HookOutcome.NONE, modules.run(Hook.STANZA_SENT, new Hook.StanzaSent(juliet, "desk", secret)));
    }
}
