package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.IQTypeFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.packet.AdHocCommandData;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0133 administration through Smack's own XEP-0050 client ({@link AdHocCommandManager}) against a node on
 * real Cassandra: the administrator named in {@code rookery.modules.adhoc.admins} lists the commands and runs them,
 * and what they did is checked by logging in. Written against the API Smack 4.4 and 4.5 share (interop compiles it
 * with 4.5): the command object's type differs, so answers are read from the connection's own collector.
 */
class AdHocIT {
    private static final String ADMIN_NODE = "http://jabber.org/protocol/admin#";
    private static final long WAIT_MS = 20_000;
    private static RookeryNode node;
    private static DomainBareJid server;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        admin = ItEnvironment.freshUserName("admin");
        node = ItEnvironment.startNode(Map.of("rookery.modules.adhoc.admins", List.of(admin + "@localhost")));
        node.accounts().create(node.accounts().jid(admin), ItEnvironment.PASSWORD).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        server = JidCreate.domainBareFrom("localhost");
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static XMPPTCPConnection login(String user, String password) throws Exception {
        return ItEnvironment.connectStartTls(node, user, password, "adhoc");
    }

    /**
     * Runs a command: execute, then (when {@code fill} is given) the form of the first answer filled in and
     * submitted with its session id. Returns the last answer.
     */
    private static AdHocCommandData run(XMPPTCPConnection c, String command, Consumer<FillableForm> fill)
            throws Exception {
        var cmd = AdHocCommandManager.getAddHocCommandsManager(c).getRemoteCommand(server, ADMIN_NODE + command);
        StanzaCollector answers = c.createStanzaCollector(
                new AndFilter(new StanzaTypeFilter(AdHocCommandData.class), IQTypeFilter.RESULT));
        try {
            cmd.execute();
            AdHocCommandData first = answers.nextResult(WAIT_MS);
            assertNotNull(first, "no answer to " + command);
            if (fill == null) return first;
            assertEquals("executing", first.getStatus().toString().toLowerCase());
            FillableForm form = new FillableForm(first.getForm());
            fill.accept(form);
            cmd.execute(form);
            AdHocCommandData done = answers.nextResult(WAIT_MS);
            assertNotNull(done, "no answer to the form of " + command);
            assertEquals("completed", done.getStatus().toString().toLowerCase());
            return done;
        } finally {
            answers.cancel();
        }
    }

    private static String value(AdHocCommandData answer, String var) {
        FormField f = answer.getForm().getField(var);
        assertNotNull(f, var + " missing from " + answer.toXML());
        return f.getFirstValue();
    }

    private static String saslFailure(String user, String password) {
        SASLErrorException e = assertThrows(SASLErrorException.class, () -> login(user, password).disconnect());
        return e.getSASLFailure().getSASLErrorString();
    }

    private static void waitUntil(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(100);
        }
    }

    @Test
    void anAdministratorManagesAccountsCountsUsersAndAnnounces() throws Exception {
        XMPPTCPConnection boss = login(admin, ItEnvironment.PASSWORD);
        try {
            DiscoverItems commands = AdHocCommandManager.getAddHocCommandsManager(boss).discoverCommands(server);
            List<String> nodes = commands.getItems().stream().map(DiscoverItems.Item::getNode).toList();
            for (String c : List.of("add-user", "delete-user", "disable-user", "reenable-user",
                    "change-user-password", "get-online-users-num", "get-registered-users-num", "announce")) {
                assertTrue(nodes.contains(ADMIN_NODE + c), () -> c + " not listed: " + nodes);
            }

            String juliet = ItEnvironment.freshUserName("juliet");
            run(boss, "add-user", f -> {
                f.setAnswer("accountjid", juliet + "@localhost");
                f.setAnswer("password", "R0m30 at the window");
                f.setAnswer("password-verify", "R0m30 at the window");
            });
            XMPPTCPConnection j = login(juliet, "R0m30 at the window");
            assertTrue(j.isAuthenticated());
            j.disconnect();

            run(boss, "change-user-password", f -> {
                f.setAnswer("accountjid", juliet + "@localhost");
                f.setAnswer("password", "V3r0n4");
            });
            assertEquals("not-authorized", saslFailure(juliet, "R0m30 at the window"));
            XMPPTCPConnection listener = login(juliet, "V3r0n4");
            try {
                BlockingQueue<Message> heard = new LinkedBlockingQueue<>();
                listener.addAsyncStanzaListener(s -> heard.add((Message) s),
                        s -> s instanceof Message m && m.getBody() != null);

                // The admin and juliet, at least: sessions reach the records within a flush interval.
                waitUntil("two users are online", () -> {
                    try {
                        return Long.parseLong(value(run(boss, "get-online-users-num", null), "onlineusersnum")) >= 2;
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                long registered = Long.parseLong(value(run(boss, "get-registered-users-num", null),
                        "registeredusersnum"));
                assertTrue(registered >= 2, "registered: " + registered);

                AdHocCommandData sent = run(boss, "announce",
                        f -> f.setAnswer("announcement", List.of("Maintenance at noon.", "Log off now.")));
                assertFalse(sent.getNotes().isEmpty());
                Message announcement = heard.poll(WAIT_MS, TimeUnit.MILLISECONDS);
                assertNotNull(announcement, "the announcement did not arrive");
                assertEquals("Maintenance at noon.\nLog off now.", announcement.getBody());
                assertEquals(Message.Type.headline, announcement.getType());
                assertEquals(server, announcement.getFrom());

                run(boss, "disable-user", f -> f.setAnswer("accountjids", List.of(juliet + "@localhost")));
                waitUntil("juliet's session was closed", () -> !listener.isConnected());
            } finally {
                if (listener.isConnected()) listener.disconnect();
            }
            assertEquals("account-disabled", saslFailure(juliet, "V3r0n4"));
            assertEquals("not-authorized", saslFailure(juliet, "a wrong guess"),
                    "only the right password learns that the account is disabled");

            run(boss, "reenable-user", f -> f.setAnswer("accountjids", List.of(juliet + "@localhost")));
            login(juliet, "V3r0n4").disconnect();

            run(boss, "delete-user", f -> f.setAnswer("accountjids", List.of(juliet + "@localhost")));
            assertEquals("not-authorized", saslFailure(juliet, "V3r0n4"));
            XMPPException.XMPPErrorException gone = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> run(boss, "change-user-password", f -> {
                        f.setAnswer("accountjid", juliet + "@localhost");
                        f.setAnswer("password", "anything");
                    }));
            assertEquals(StanzaError.Condition.item_not_found, gone.getStanzaError().getCondition());
        } finally {
            boss.disconnect();
        }
    }

    @Test
    void someoneElseSeesNoCommandsAndIsForbiddenToRunThem() throws Exception {
        String mallory = ItEnvironment.newUser(node, "mallory");
        XMPPTCPConnection m = login(mallory, ItEnvironment.PASSWORD);
        try {
            assertEquals(List.of(),
                    AdHocCommandManager.getAddHocCommandsManager(m).discoverCommands(server).getItems());
            XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> AdHocCommandManager.getAddHocCommandsManager(m)
                            .getRemoteCommand(server, ADMIN_NODE + "add-user").execute());
            assertEquals(StanzaError.Condition.forbidden, e.getStanzaError().getCondition());
        } finally {
            m.disconnect();
        }
    }
}
