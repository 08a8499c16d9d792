package io.rookery.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.interop.Smack45Clients.Kind;
import io.rookery.node.RookeryNode;
import io.rookery.node.it.TestNodes;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Smack 4.5, the second client generation, against a node on real Cassandra: its XMPPTCPConnection and its modular
 * connection each log in over STARTTLS, chat, subscribe and see presence, and register in band. (File transfer over
 * XEP-0047 with 4.5's XMPPTCPConnection is cluster-node's FileTransferIT, compiled and run here against 4.5.)
 */
class Smack45IT {
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNodes.startNode(Map.of("rookery.registration.enabled", true));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static AbstractXMPPConnection login(Kind kind, String user) throws Exception {
        return Smack45Clients.login(kind, node, user, TestNodes.PASSWORD);
    }

    private static BareJid bare(String user) throws Exception {
        return JidCreate.bareFrom(user + "@localhost");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void logsInOverStartTlsAndChats(Kind kind) throws Exception {
        String alice = TestNodes.newUser(node, "alice45");
        String bob = TestNodes.newUser(node, "bob45");
        AbstractXMPPConnection a = login(kind, alice);
        AbstractXMPPConnection b = login(kind, bob);
        try {
            assertTrue(a.isSecureConnection(), "STARTTLS is required, so the stream is encrypted");
            assertEquals(bare(alice), a.getUser().asBareJid());
            BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
            b.addAsyncStanzaListener(s -> inbox.add((Message) s), StanzaTypeFilter.MESSAGE);

            a.sendStanza(a.getStanzaFactory().buildMessageStanza().to(bare(bob)).ofType(Message.Type.chat)
                    .setBody("hello from smack 4.5 " + kind).build());

            Message got = inbox.poll(20, TimeUnit.SECONDS);
            assertNotNull(got, "bob got the message");
            assertEquals("hello from smack 4.5 " + kind, got.getBody());
            assertEquals(a.getUser(), got.getFrom(), "the server stamps the sender's full JID");
        } finally {
            Smack45Clients.close(a);
            Smack45Clients.close(b);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void subscribesAndSeesTheContactsPresence(Kind kind) throws Exception {
        String alice = TestNodes.newUser(node, "alice45");
        String bob = TestNodes.newUser(node, "bob45");
        AbstractXMPPConnection b = Smack45Clients.connect(kind, node, bob, TestNodes.PASSWORD).connection();
        Roster.getInstanceFor(b).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        b.login();
        AbstractXMPPConnection a = login(kind, alice);
        try {
            Roster roster = Roster.getInstanceFor(a);
            roster.createItemAndRequestSubscription(bare(bob), "Bob", null);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!roster.getPresence(bare(bob)).isAvailable() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(roster.getPresence(bare(bob)).isAvailable(), "alice sees bob available once he accepted");
            assertEquals("Bob", roster.getEntry(bare(bob)).getName());
        } finally {
            Smack45Clients.close(a);
            Smack45Clients.close(b);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void registersAnAccountInBandOverStartTls(Kind kind) throws Exception {
        String user = TestNodes.freshUserName("ibr45");
        Smack45Clients.Connected c = Smack45Clients.connect(kind, node, null, null);
        try {
            AccountManager accounts = AccountManager.getInstance(c.connection());
            assertTrue(c.connection().isSecureConnection(), "registration happens inside TLS");
            assertTrue(accounts.supportsAccountCreation());
            accounts.createAccount(Localpart.from(user), TestNodes.PASSWORD);
        } finally {
            Smack45Clients.close(c.connection());
        }
        AbstractXMPPConnection again = login(kind, user);
        try {
            assertEquals(bare(user), again.getUser().asBareJid(), "the new account logs in");
        } finally {
            Smack45Clients.close(again);
        }
    }
}
