package io.rookery.node.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.ModuleStores;
import io.rookery.persistence.offline.InMemoryOfflineStore;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * rookery.user.max-waiting-bytes: while an account waits for its offline store, the stanzas that reach it wait in
 * order up to the budget, and those past it go back to their senders with resource-constraint; once the store
 * answers, the waiting ones are stored. Nothing is lost.
 */
class WaitingBytesTest {
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start(ConfigFactory.parseString("rookery.user.max-waiting-bytes = 64KiB"));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    /** A store whose writes complete only when the test lets them. */
    static final class HeldStore extends InMemoryOfflineStore {
        final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
        volatile boolean holding = true;

        @Override
        public CompletionStage<Void> put(String user, long seq, long at, String xml) {
            CompletionStage<Void> written = super.put(user, seq, at, xml);
            if (!holding) return written;
            CompletableFuture<Void> gate = new CompletableFuture<>();
            held.add(gate);
            return gate;
        }

        void release() {
            holding = false;
            for (CompletableFuture<Void> g : held) g.complete(null);
        }
    }

    @Test
    void stanzasPastTheBudgetBounceAndTheOthersAreStoredOnceTheStoreAnswers() {
        HeldStore store = new HeldStore();
        node.router.modules().provide(new ModuleStores(store));
        Jid away = node.newAccount("away");
        SingleNode.Session sender = node.bind(node.newAccount("sender"), "gun");
        String body = "x".repeat(20_000);
        int sent = 10;
        for (int i = 0; i < sent; i++) {
            node.router.route(Element.builder("message", Namespaces.CLIENT).attr("from", sender.jid().toString())
                    .attr("to", away.toString()).attr("type", "chat").attr("id", "w" + i)
                    .child(Element.builder("body", Namespaces.CLIENT).text(body).build()).build());
        }
        // The first waits for the store; three of 20 KB fit the 64 KiB behind it; the other six come back.
        Set<String> bounced = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            Element error = sender.nextStanza();
            assertEquals("error", error.attr("type"), error::toString);
            assertNotNull(error.child("error", Namespaces.CLIENT).child("resource-constraint", Namespaces.STANZAS));
            bounced.add(error.attr("id"));
        }
        store.release();
        SingleNode.Session phone = node.bind(away, "phone");
        node.becomeAvailable(phone, 0);
        Set<String> stored = new HashSet<>();
        for (int i = 0; i < sent - bounced.size(); i++) stored.add(phone.nextStanza().attr("id"));
        Set<String> all = new HashSet<>(stored);
        all.addAll(bounced);
        assertEquals(sent, all.size(), "stored " + stored + ", bounced " + bounced);
        assertTrue(stored.contains("w0"), stored::toString);
    }
}
