package io.rookery.node.ext.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.ModuleStores;
import io.rookery.node.ext.Modules;
import io.rookery.node.ext.TestAccount;
import io.rookery.persistence.offline.InMemoryOfflineStore;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageSpooled;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import io.rookery.persistence.offline.OfflineSpool;
import io.rookery.persistence.offline.OfflineSpoolDelivered;
import io.rookery.persistence.offline.OfflineStore;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.offline.Delay;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** XEP-0160 as data in, data out: what is spooled, when storage is full, and what a resource is handed. */
class OfflineModuleTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final String JULIET = "juliet@localhost";

    private static Modules modules(int max, String maxBytes, String batch) {
        return Modules.fromConfig(ConfigFactory.parseString("rookery.user.max-offline-messages = " + max
                        + "\nrookery.user.max-offline-bytes = " + maxBytes
                        + "\nrookery.user.offline-delivery-batch-bytes = " + batch)
                .withFallback(ConfigFactory.defaultReference()), Clock.fixed(NOW, ZoneOffset.UTC), NOW);
    }

    private static Modules modules(int max) {
        return modules(max, "10MiB", "256KiB");
    }

    private static Element chat(String body) {
        return Element.builder("message", Namespaces.CLIENT).attr("from", "romeo@example.net/orchard")
                .attr("to", JULIET).attr("type", "chat")
                .child(Element.builder("body", Namespaces.CLIENT).text(body).build()).build();
    }

    /** The outcome and every outcome its store work completes with, in order (what the entity handles). */
    private static List<HookOutcome> drain(HookOutcome first) {
        List<HookOutcome> all = new ArrayList<>();
        HookOutcome o = first;
        all.add(o);
        while (o.then() != null) {
            o = o.then().get().toCompletableFuture().join();
            all.add(o);
        }
        return all;
    }

    private static List<UserEvent> events(List<HookOutcome> outcomes) {
        return outcomes.stream().flatMap(o -> o.persist().stream()).toList();
    }

    private static List<String> bodies(List<HookOutcome> outcomes) {
        return outcomes.stream().flatMap(o -> o.toResources().stream())
                .map(t -> t.stanza().childText("body", Namespaces.CLIENT)).toList();
    }

    /** Spools messages the way the entity does: each outcome's events applied before the next message. */
    private static OfflineSpool spool(Modules modules, OfflineSpool start, String... bodies) {
        OfflineSpool spool = start;
        OfflinePart part = new OfflinePart();
        for (String b : bodies) {
            TestAccount juliet = TestAccount.of(JULIET).with(OfflineModule.QUEUE, spool);
            for (UserEvent e : events(drain(modules.run(Hook.MESSAGE_UNDELIVERABLE,
                    new Hook.MessageUndeliverable(juliet, chat(b)))))) {
                spool = part.apply(spool, e);
            }
        }
        return spool;
    }

    @Test
    void anUndeliverableMessageIsWrittenToTheStoreWithADelayStampThenCounted() {
        Modules modules = modules(10);
        HookOutcome first = modules.run(Hook.MESSAGE_UNDELIVERABLE,
                new Hook.MessageUndeliverable(TestAccount.of(JULIET), chat("hi")));
        // Nothing is in the account's state until the store has it.
        assertEquals(List.of(), first.persist());
        InMemoryOfflineStore store = (InMemoryOfflineStore) modules.stores().offline();
        assertEquals(0, store.size(JULIET));
        List<HookOutcome> all = drain(first);
        assertEquals(1, store.size(JULIET));
        OfflineMessageSpooled spooled = (OfflineMessageSpooled) events(all).get(0);
        long seq = NOW.toEpochMilli() * 1000;
        assertEquals(seq, spooled.seq());
        OfflineStore.Spooled row = store.read(JULIET, seq, seq, 1).toCompletableFuture().join().get(0);
        assertEquals(row.stanzaXml().length(), spooled.bytes());
        assertEquals(NOW.toEpochMilli(), row.receivedAtMillis());
        Element delay = StoredXml.parse(row.stanzaXml()).child("delay", Delay.NS);
        assertEquals("localhost", delay.attr("from"));
        assertEquals("2026-12-02T10:00:00Z", delay.attr("stamp"));
    }

    @Test
    void aMessageStoredBeforeKeepsItsFirstStamp() {
        Element once = OfflineModule.withDelay(chat("hi"), "localhost", 1_000L);
        Element twice = OfflineModule.withDelay(once, "localhost", 2_000L);
        assertEquals(once, twice);
        // Another server's stamp is kept, and ours added.
        Element remote = OfflineModule.withDelay(chat("hi"), "example.net", 1_000L);
        assertEquals(2, OfflineModule.withDelay(remote, "localhost", 2_000L).children("delay", Delay.NS).size());
    }

    @Test
    void aFullQueueAnswersTheSenderWithServiceUnavailable() {
        Modules modules = modules(2);
        OfflineSpool two = spool(modules, null, "1", "2");
        assertEquals(2, two.count());
        HookOutcome out = modules.run(Hook.MESSAGE_UNDELIVERABLE,
                new Hook.MessageUndeliverable(TestAccount.of(JULIET).with(OfflineModule.QUEUE, two), chat("3")));
        assertNull(out.then());
        assertEquals(List.of(), out.persist());
        Element error = out.route().get(0);
        assertEquals("romeo@example.net/orchard", error.attr("to"));
        assertNotNull(error.child("error", Namespaces.CLIENT).child("service-unavailable", Namespaces.STANZAS));
    }

    @Test
    void aSpoolFullInBytesRefusesMessagesThatWouldPassTheLimit() {
        // A stamped chat message is about 200 bytes: two fit in 500, a third does not.
        Modules modules = modules(1000, "500B", "256KiB");
        OfflineSpool two = spool(modules, null, "1", "2");
        assertEquals(2, two.count());
        HookOutcome out = modules.run(Hook.MESSAGE_UNDELIVERABLE,
                new Hook.MessageUndeliverable(TestAccount.of(JULIET).with(OfflineModule.QUEUE, two), chat("3")));
        assertNotNull(out.route().get(0).child("error", Namespaces.CLIENT)
                .child("service-unavailable", Namespaces.STANZAS));
    }

    @Test
    void theStoredMessagesGoToTheResourceInBatchesAndLeaveTheStore() {
        // Batches of about 1 KiB: five messages of ~200 bytes each, then the four left.
        Modules modules = modules(1000, "10MiB", "1KiB");
        OfflineSpool spool = spool(modules, null, "1", "2", "3", "4", "5", "6", "7", "8", "9");
        InMemoryOfflineStore store = (InMemoryOfflineStore) modules.stores().offline();
        assertEquals(9, store.size(JULIET));
        TestAccount juliet = TestAccount.of(JULIET).with(OfflineModule.QUEUE, spool);
        List<HookOutcome> all = drain(modules.run(Hook.OFFLINE_DELIVERY, new Hook.ResourceChanged(juliet, "phone")));
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9"), bodies(all));
        assertEquals(List.of("phone"), all.stream().flatMap(o -> o.toResources().stream())
                .map(HookOutcome.ToResource::resource).distinct().toList());
        // One delivery record per batch, each after its batch was sent, the last one emptying the spool.
        List<UserEvent> events = events(all);
        assertEquals(2, events.size(), events::toString);
        OfflineSpool after = spool;
        for (UserEvent e : events) after = new OfflinePart().apply(after, e);
        assertEquals(0, after.count());
        assertEquals(0, after.bytes());
        assertEquals(0, store.size(JULIET));
        // Numbers keep growing after the spool emptied.
        assertEquals(spool.next(), after.next());
    }

    @Test
    void messagesOfAnEarlierReleaseGoFirstThenTheSpool() {
        Modules modules = modules(10);
        OfflineSpool legacy = new OfflineSpool(List.of(new OfflineMessage(StoredXml.write(chat("old")), 1L)), 0, 0, 0);
        OfflineSpool spool = spool(modules, legacy, "new");
        assertEquals(2, spool.count());
        List<HookOutcome> all = drain(modules.run(Hook.OFFLINE_DELIVERY,
                new Hook.ResourceChanged(TestAccount.of(JULIET).with(OfflineModule.QUEUE, spool), "phone")));
        assertEquals(List.of("old", "new"), bodies(all));
        assertEquals(new OfflineMessagesDelivered(1), events(all).get(0));
        assertEquals(OfflineSpoolDelivered.class, events(all).get(1).getClass());
    }

    @Test
    void nothingStoredMeansNothingToDo() {
        assertEquals(HookOutcome.NONE, modules(10).run(Hook.OFFLINE_DELIVERY,
                new Hook.ResourceChanged(TestAccount.of(JULIET), "phone")));
    }

    @Test
    void aMessageTheStoreRefusesBouncesToItsSenderAndIsNotCounted() {
        Modules modules = modules(10);
        modules.provide(new ModuleStores(new InMemoryOfflineStore() {
            @Override
            public CompletionStage<Void> put(String user, long seq, long at, String xml) {
                return CompletableFuture.failedFuture(new IllegalStateException("store down"));
            }
        }));
        List<HookOutcome> all = drain(modules.run(Hook.MESSAGE_UNDELIVERABLE,
                new Hook.MessageUndeliverable(TestAccount.of(JULIET), chat("hi"))));
        assertEquals(List.of(), events(all));
        Element error = all.get(1).route().get(0);
        assertEquals("romeo@example.net/orchard", error.attr("to"));
        assertNotNull(error.child("error", Namespaces.CLIENT).child("internal-server-error", Namespaces.STANZAS));
    }

    @Test
    void deletingTheAccountEmptiesItsSpool() {
        Modules modules = modules(10);
        OfflineSpool spool = spool(modules, null, "1", "2");
        InMemoryOfflineStore store = (InMemoryOfflineStore) modules.stores().offline();
        assertEquals(2, store.size(JULIET));
        drain(modules.run(Hook.ACCOUNT_DELETED,
                new Hook.AccountChanged(TestAccount.of(JULIET).with(OfflineModule.QUEUE, spool))));
        assertEquals(0, store.size(JULIET));
    }
}
