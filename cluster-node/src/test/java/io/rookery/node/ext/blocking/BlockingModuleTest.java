package io.rookery.node.ext.blocking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.Modules;
import io.rookery.node.ext.ResourceFlags;
import io.rookery.node.ext.StanzaFilter;
import io.rookery.node.ext.TestAccount;
import io.rookery.persistence.blocking.JidsBlocked;
import io.rookery.persistence.blocking.JidsUnblocked;
import io.rookery.persistence.roster.Subscription;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * XEP-0191 as data in, data out: what a command persists, pushes and routes, and what the filter decides, with no
 * entity and no session.
 */
class BlockingModuleTest {
    private static final String NS = "urn:xmpp:blocking";
    private final Modules modules = load(Map.of());

    private static Modules load(Map<String, Object> overrides) {
        return Modules.fromConfig(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultReference()),
                Clock.systemUTC(), Instant.now());
    }

    private static Element command(String type, String name, String... jids) {
        Element.Builder payload = Element.builder(name, NS);
        for (String j : jids) payload.child(Element.builder("item", NS).attr("jid", j).build());
        return Element.builder("iq", Namespaces.CLIENT).attr("from", "alice@localhost/desk").attr("type", type)
                .attr("id", "b1").child(payload.build()).build();
    }

    private static LinkedHashSet<String> list(String... jids) {
        return new LinkedHashSet<>(List.of(jids));
    }

    private static Jid jid(String s) {
        try {
            return Jid.parse(s);
        } catch (io.rookery.protocol.jid.InvalidJidException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static Element chat(String from, String to) {
        return Element.builder("message", Namespaces.CLIENT).attr("from", from).attr("to", to).attr("type", "chat")
                .build();
    }

    @Test
    void aBlockPersistsOnlyTheNewJidsAndIsPushedToTheResourcesThatAskedForTheList() {
        TestAccount alice = TestAccount.of("alice@localhost").with(BlockingModule.BLOCKLIST, list("carol@localhost"))
                .bound("desk", ResourceFlags.BLOCKLIST).bound("phone", 0);

        IqOutcome out = modules.handle(AddressKind.OWN_ACCOUNT,
                command("set", "block", "bob@localhost", "carol@localhost"), alice);

        assertEquals("result", out.reply().attr("type"), out.reply()::toString);
        assertEquals(List.of(new JidsBlocked(List.of("bob@localhost"))), out.persist());
        assertEquals(1, out.toResources().size(), out::toString);
        HookOutcome.ToResource push = out.toResources().get(0);
        assertEquals("desk", push.resource());
        assertEquals("alice@localhost/desk", push.stanza().attr("to"));
        assertEquals(2, push.stanza().child("block", NS).elements().size(), "the push names the items as sent");
    }

    @Test
    void blockingASubscriberSendsItUnavailableFromEachAvailableResourceAndUnblockingThePresenceAgain() {
        TestAccount alice = TestAccount.of("alice@localhost").contact("bob@localhost", Subscription.FROM)
                .contact("carol@localhost", Subscription.TO).bound("desk", 0).bound("phone", 0);

        IqOutcome blocked = modules.handle(AddressKind.OWN_ACCOUNT,
                command("set", "block", "bob@localhost", "carol@localhost"), alice);
        assertEquals(2, blocked.route().size(), blocked::toString);
        for (Element p : blocked.route()) {
            assertEquals("unavailable", p.attr("type"), p::toString);
            assertEquals("bob@localhost", p.attr("to"), "carol cannot see alice's presence: nothing to withdraw");
        }

        TestAccount after = TestAccount.of("alice@localhost").contact("bob@localhost", Subscription.FROM)
                .with(BlockingModule.BLOCKLIST, list("bob@localhost")).bound("desk", 0);
        IqOutcome unblocked = modules.handle(AddressKind.OWN_ACCOUNT, command("set", "unblock"), after);
        assertEquals(List.of(new JidsUnblocked(List.of())), unblocked.persist(), "an empty unblock clears the list");
        assertEquals(1, unblocked.route().size(), unblocked::toString);
        Element presence = unblocked.route().get(0);
        assertNull(presence.attr("type"), presence::toString);
        assertEquals("alice@localhost/desk", presence.attr("from"));
        assertEquals("bob@localhost", presence.attr("to"));
    }

    @Test
    void theListGetSetsTheRequestersFlagAndOversizedListsAreRefused() {
        TestAccount alice = TestAccount.of("alice@localhost").with(BlockingModule.BLOCKLIST, list("a@x", "b@x"))
                .bound("desk", 0);
        IqOutcome get = modules.handle(AddressKind.OWN_ACCOUNT, command("get", "blocklist"), alice);
        assertEquals(ResourceFlags.BLOCKLIST, get.flagsSet());
        assertEquals(2, get.reply().child("blocklist", NS).elements().size());

        Modules small = load(Map.of("rookery.modules.blocking.max-items", 3));
        IqOutcome refused = small.handle(AddressKind.OWN_ACCOUNT, command("set", "block", "c@x", "d@x"), alice);
        assertNotNull(refused.reply().child("error", Namespaces.CLIENT).child("not-acceptable", Namespaces.STANZAS),
                refused.reply()::toString);
        assertTrue(refused.persist().isEmpty());
        assertEquals(1, small.handle(AddressKind.OWN_ACCOUNT, command("set", "block", "c@x"), alice).persist().size());
    }

    @Test
    void theFilterAnswersBlockedMessagesAndRequestsDropsTheirPresenceAndPassesTheUsersOwnResources() {
        TestAccount alice = TestAccount.of("alice@localhost").with(BlockingModule.BLOCKLIST, list("bob@localhost"));

        StanzaFilter.Verdict message = modules.inbound(alice, chat("bob@localhost/phone", "alice@localhost"),
                jid("bob@localhost/phone"));
        assertNotNull(message.reply().child("error", Namespaces.CLIENT)
                .child("service-unavailable", Namespaces.STANZAS));
        assertEquals("bob@localhost/phone", message.reply().attr("to"));
        Element presence = Element.builder("presence", Namespaces.CLIENT).attr("from", "bob@localhost/phone").build();
        assertSame(StanzaFilter.Verdict.DROP, modules.inbound(alice, presence, jid("bob@localhost/phone")));
        assertNull(modules.inbound(alice, chat("carol@localhost/x", "alice@localhost"), jid("carol@localhost/x")));
        assertNull(modules.inbound(TestAccount.of("bob@localhost").with(BlockingModule.BLOCKLIST,
                list("bob@localhost")), chat("bob@localhost/a", "bob@localhost"), jid("bob@localhost/a")));
        assertNull(modules.inbound(TestAccount.of("alice@localhost"), chat("bob@localhost/phone", "alice@localhost"),
                jid("bob@localhost/phone")), "an empty blocklist filters nothing");
    }

    @Test
    void theFilterRefusesTheUsersOwnStanzasToABlockedJidAndDropsErrors() {
        TestAccount alice = TestAccount.of("alice@localhost").with(BlockingModule.BLOCKLIST, list("example.net"));

        StanzaFilter.Verdict refused = modules.outbound(alice, chat("alice@localhost/desk", "eve@example.net"),
                jid("eve@example.net"));
        Element error = refused.reply().child("error", Namespaces.CLIENT);
        assertNotNull(error.child("not-acceptable", Namespaces.STANZAS), refused.reply()::toString);
        assertNotNull(error.child("blocked", "urn:xmpp:blocking:errors"));
        Element anError = chat("alice@localhost/desk", "eve@example.net").withAttr("type", "error");
        assertSame(StanzaFilter.Verdict.DROP, modules.outbound(alice, anError, jid("eve@example.net")));
        assertNull(modules.outbound(alice, chat("alice@localhost/desk", "bob@localhost"), jid("bob@localhost")));
    }
}
