package io.rookery.node.ext.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.Modules;
import io.rookery.node.ext.TestAccount;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.offline.Delay;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XEP-0160 as data in, data out: what is stored, when storage is full, and what a resource is handed. */
class OfflineModuleTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private static Modules modules(int max) {
        return Modules.fromConfig(ConfigFactory.parseString("rookery.user.max-offline-messages = " + max)
                .withFallback(ConfigFactory.defaultReference()), Clock.fixed(NOW, ZoneOffset.UTC), NOW);
    }

    private static Element chat(String body) {
        return Element.builder("message", Namespaces.CLIENT).attr("from", "romeo@example.net/orchard")
                .attr("to", "juliet@localhost").attr("type", "chat")
                .child(Element.builder("body", Namespaces.CLIENT).text(body).build()).build();
    }

    private static ArrayDeque<OfflineMessage> queue(String... bodies) {
        ArrayDeque<OfflineMessage> q = new ArrayDeque<>();
        for (String b : bodies) q.add(new OfflineMessage(StoredXml.write(chat(b)), 1L));
        return q;
    }

    @Test
    void anUndeliverableMessageIsStoredWithADelayStamp() {
        HookOutcome out = modules(10).run(Hook.MESSAGE_UNDELIVERABLE,
                new Hook.MessageUndeliverable(TestAccount.of("juliet@localhost"), chat("hi")));
        assertEquals(1, out.persist().size());
        OfflineMessage stored = ((OfflineMessageStored) out.persist().get(0)).message();
        assertEquals(NOW.toEpochMilli(), stored.receivedAtMillis());
        Element delay = StoredXml.parse(stored.stanzaXml()).child("delay", Delay.NS);
        assertEquals("localhost", delay.attr("from"));
        assertEquals("2026-12-02T10:00:00Z", delay.attr("stamp"));
    }

    @Test
    void aFullQueueAnswersTheSenderWithServiceUnavailable() {
        TestAccount juliet = TestAccount.of("juliet@localhost").with(OfflineModule.QUEUE, queue("1", "2"));
        HookOutcome out = modules(2).run(Hook.MESSAGE_UNDELIVERABLE, new Hook.MessageUndeliverable(juliet, chat("3")));
        assertEquals(List.of(), out.persist());
        Element error = out.route().get(0);
        assertEquals("romeo@example.net/orchard", error.attr("to"));
        assertNotNull(error.child("error", Namespaces.CLIENT).child("service-unavailable", Namespaces.STANZAS));
    }

    @Test
    void theStoredMessagesGoToTheResourceThenAreRemoved() {
        TestAccount juliet = TestAccount.of("juliet@localhost").with(OfflineModule.QUEUE, queue("1", "2"));
        HookOutcome out = modules(10).run(Hook.OFFLINE_DELIVERY, new Hook.ResourceChanged(juliet, "phone"));
        assertEquals(List.of("1", "2"), out.toResources().stream()
                .map(t -> t.stanza().childText("body", Namespaces.CLIENT)).toList());
        assertEquals(List.of("phone", "phone"), out.toResources().stream().map(HookOutcome.ToResource::resource).toList());
        assertEquals(List.of(new OfflineMessagesDelivered(2)), out.persist());
        assertEquals(HookOutcome.NONE, modules(10).run(Hook.OFFLINE_DELIVERY,
                new Hook.ResourceChanged(TestAccount.of("juliet@localhost"), "phone")));
    }
}
