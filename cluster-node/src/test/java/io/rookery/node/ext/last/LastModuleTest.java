package io.rookery.node.ext.last;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Modules;
import io.rookery.node.ext.TestAccount;
import io.rookery.persistence.roster.Subscription;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.last.LastActivity;
import io.rookery.protocol.xml.Element;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** XEP-0012 §4 for accounts as data in, data out: who may ask, and what they are told. */
class LastModuleTest {
    private final Modules modules = Modules.fromConfig(ConfigFactory.defaultReference(), Clock.systemUTC(),
            Instant.now());

    private static AccountView juliet(long seconds, Map<String, Subscription> roster) {
        TestAccount account = TestAccount.of("juliet@localhost").idleFor(seconds);
        roster.forEach(account::contact);
        return account;
    }

    private Element ask(String from, AddressKind to, AccountView account) {
        Element iq = Element.builder("iq", Namespaces.CLIENT).attr("from", from).attr("to", "juliet@localhost")
                .attr("type", "get").attr("id", "l1").child(Element.of("query", LastActivity.NS)).build();
        return modules.handle(to, iq, account).reply();
    }

    private static void assertError(Element reply, String condition) {
        assertEquals("error", reply.attr("type"), reply::toString);
        assertNotNull(reply.child("error", Namespaces.CLIENT).child(condition, Namespaces.STANZAS), reply::toString);
    }

    @Test
    void theUserAndSubscribersLearnTheIdleTime() {
        AccountView account = juliet(42, Map.of("romeo@example.net", Subscription.FROM));
        assertEquals("42", ask("juliet@localhost/desk", AddressKind.OWN_ACCOUNT, account)
                .child("query", LastActivity.NS).attr("seconds"));
        assertEquals("42", ask("romeo@example.net/orchard", AddressKind.OTHER_ACCOUNT, account)
                .child("query", LastActivity.NS).attr("seconds"));
    }

    @Test
    void othersAreForbiddenEvenWithASubscriptionTheOtherWay() {
        AccountView account = juliet(42, Map.of("tybalt@example.net", Subscription.TO));
        assertError(ask("tybalt@example.net/street", AddressKind.OTHER_ACCOUNT, account), "forbidden");
        assertError(ask("paris@example.net/x", AddressKind.OTHER_ACCOUNT, account), "forbidden");
    }

    @Test
    void anUnknownInstantIsServiceUnavailable() {
        assertError(ask("juliet@localhost/desk", AddressKind.OWN_ACCOUNT, juliet(-1, Map.of())), "service-unavailable");
    }
}
