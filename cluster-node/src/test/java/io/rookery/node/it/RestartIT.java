package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.node.user.UserEntity;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smackx.ping.PingManager;
import org.jxmpp.jid.impl.JidCreate;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;

/**
 * Accounts, rosters and offline messages live in Cassandra: they survive a restart of the node and of Cassandra,
 * and deletion is final.
 */
class RestartIT {

    @Test
    void accountsSurviveARestartOfNodeAndCassandraAndADeletedAccountCannotLogIn() throws Exception {
        Path dataDir = ItEnvironment.testDir().resolve("restart-node");
        String keep;
        String changed;
        String doomed;
        RookeryNode node = ItEnvironment.startNode(dataDir, Map.of());
        RawClient waiting = new RawClient(node.starttlsPort());
        try {
            waiting.send(RawClient.HEADER).await("</stream:features>", java.time.Duration.ofSeconds(10));
            keep = ItEnvironment.newUser(node, "keep");
            changed = ItEnvironment.newUser(node, "changed");
            doomed = ItEnvironment.newUser(node, "doomed");
            assertEquals(UserEntity.AccountStatus.UPDATED, node.accounts()
                    .changePassword(node.accounts().jid(changed), "new secret").toCompletableFuture()
                    .get(30, TimeUnit.SECONDS));
            // A roster item and an offline message for 'keep', made before both restarts.
            XMPPTCPConnection k = ItEnvironment.connectStartTls(node, keep, ItEnvironment.PASSWORD, null);
            Roster.getInstanceFor(k).createItem(JidCreate.entityBareFrom(changed + "@localhost"), "Changed",
                    new String[] {"Restarts"});
            k.disconnect();
            XMPPTCPConnection sender = ItEnvironment.connectStartTls(node, changed, "new secret", null);
            sender.sendStanza(sender.getStanzaFactory().buildMessageStanza()
                    .to(JidCreate.entityBareFrom(keep + "@localhost")).ofType(Message.Type.chat)
                    .setBody("kept across restarts").build());
            // The sender's ping answers after the message was handed on; storage follows within the entity.
            assertTrue(PingManager.getInstanceFor(sender).pingMyServer(true, 10_000));
            sender.disconnect();
            Thread.sleep(2000);
        } finally {
            node.close();
        }
        // A graceful stop tells every client why (RFC 6120 §4.9.3.17).
        String got = waiting.awaitClose(java.time.Duration.ofSeconds(10));
        waiting.close();
        assertTrue(got.contains("<system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), got);
        ItEnvironment.stopCassandra();

        node = ItEnvironment.startNode(dataDir, Map.of());
        try {
            BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
            XMPPTCPConnection c = ItEnvironment.connectStartTls(node, keep, ItEnvironment.PASSWORD, null,
                    conn -> conn.addSyncStanzaListener(st -> inbox.add((Message) st), st -> st instanceof Message));
            assertTrue(c.isAuthenticated());
            Message offline = inbox.poll(15, TimeUnit.SECONDS);
            assertTrue(offline != null && "kept across restarts".equals(offline.getBody()),
                    "the offline message must survive node and Cassandra restarts");
            Roster roster = Roster.getInstanceFor(c);
            roster.reloadAndWait();
            RosterEntry entry = roster.getEntry(JidCreate.entityBareFrom(changed + "@localhost"));
            assertTrue(entry != null && "Changed".equals(entry.getName()), "the roster item must survive");
            c.disconnect();

            XMPPTCPConnection c2 = ItEnvironment.connectStartTls(node, changed, "new secret", null);
            assertTrue(c2.isAuthenticated(), "the changed password must be the one that survives");
            c2.disconnect();
            final RookeryNode n = node;
            assertThrows(SASLErrorException.class,
                    () -> ItEnvironment.connectStartTls(n, changed, ItEnvironment.PASSWORD, null));

            XMPPTCPConnection d = ItEnvironment.connectStartTls(node, doomed, ItEnvironment.PASSWORD, null);
            assertEquals(UserEntity.AccountStatus.DELETED, node.accounts().delete(node.accounts().jid(doomed))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (d.isConnected() && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(!d.isConnected(), "a deleted account's session must be closed");
            assertThrows(SASLErrorException.class,
                    () -> ItEnvironment.connectStartTls(n, doomed, ItEnvironment.PASSWORD, null));
        } finally {
            node.close();
        }
    }
}
