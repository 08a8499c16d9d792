package io.rookery.node.ext.adhoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.ext.AccountProvisioning;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.ServerAdministration;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xep.adhoc.AdHoc;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The XEP-0050 dialogue and the XEP-0133 commands against accounts held in a map, no node involved. */
class AdminCommandsTest {
    private static final String ADMIN = "boss@localhost/desk";
    private static final String ADD = "http://jabber.org/protocol/admin#add-user";
    private static final String ONLINE = "http://jabber.org/protocol/admin#get-online-users-num";

    /** Accounts by local part: password, and whether disabled. */
    private final Map<String, String> passwords = new HashMap<>();
    private final Set<String> disabled = new HashSet<>();
    private final List<Element> announced = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> counted = new ArrayList<>();

    private final AccountProvisioning accounts = (local, password) -> {
        if (password.isEmpty()) throw new IllegalArgumentException("empty password");
        return CompletableFuture.completedFuture(passwords.putIfAbsent(local, password) == null
                ? AccountProvisioning.Created.CREATED : AccountProvisioning.Created.ALREADY_EXISTS);
    };

    private final ServerAdministration admin = new ServerAdministration() {
        @Override
        public CompletionStage<Changed> changePassword(String local, String password) {
            return done(passwords.replace(local, password) == null ? Changed.NOT_FOUND : Changed.DONE);
        }

        @Override
        public CompletionStage<Changed> delete(String local) {
            disabled.remove(local);
            return done(passwords.remove(local) == null ? Changed.NOT_FOUND : Changed.DONE);
        }

        @Override
        public CompletionStage<Changed> setDisabled(String local, boolean off) {
            if (!passwords.containsKey(local)) return done(Changed.NOT_FOUND);
            return done((off ? disabled.add(local) : disabled.remove(local)) ? Changed.DONE : Changed.UNCHANGED);
        }

        @Override
        public CompletionStage<Long> registeredUsers() {
            return CompletableFuture.completedFuture((long) passwords.size());
        }

        @Override
        public CompletionStage<Long> onlineUsers() {
            return CompletableFuture.completedFuture(7L);
        }

        @Override
        public CompletionStage<Long> toEverySession(Element message) {
            announced.add(message);
            return CompletableFuture.completedFuture(3L);
        }

        private CompletionStage<Changed> done(Changed c) {
            return CompletableFuture.completedFuture(c);
        }
    };

    private final AdminCommands commands = new AdminCommands("localhost",
            new AdHocSettings(Set.of(Jid.parse("boss@localhost")), Duration.ofMinutes(10), 100),
            new SessionIds(SessionIds.newKey(), now::get, Duration.ofMinutes(10)), () -> accounts, () -> admin,
            (node, outcome) -> counted.add(node + ":" + outcome));

    AdminCommandsTest() throws Exception {}

    private static Element iq(String from, String commandXml) {
        return StoredXml.parse("<iq xmlns='jabber:client' type='set' id='c1' from='" + from + "' to='localhost'>"
                + commandXml + "</iq>");
    }

    /** The reply, waiting for a later one. */
    private Element run(String from, String commandXml) {
        IqOutcome o = commands.execute(new IqRequest(iq(from, commandXml), AddressKind.SERVER, null));
        if (o.later() != null) o = o.later().toCompletableFuture().join();
        return o.reply();
    }

    private static Element command(Element reply) {
        assertEquals("result", reply.attr("type"), reply::toString);
        return reply.child("command", AdHoc.NS);
    }

    private static List<String> errorConditions(Element reply) {
        assertEquals("error", reply.attr("type"), reply::toString);
        return reply.child("error", null).elements().stream().filter(e -> !e.name().equals("text"))
                .map(Element::name).toList();
    }

    private static String cmd(String node, String sessionId, String action, String fields) {
        return "<command xmlns='http://jabber.org/protocol/commands' node='" + node + "'"
                + (sessionId == null ? "" : " sessionid='" + sessionId + "'")
                + (action == null ? "" : " action='" + action + "'") + ">"
                + (fields == null ? "" : "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>"
                        + "http://jabber.org/protocol/admin</value></field>" + fields + "</x>")
                + "</command>";
    }

    private static String field(String var, String... values) {
        StringBuilder b = new StringBuilder("<field var='" + var + "'>");
        for (String v : values) b.append("<value>").append(v).append("</value>");
        return b.append("</field>").toString();
    }

    /** Executes a command, then submits its form with the session id the first answer gave. */
    private Element twoSteps(String node, String fields) {
        Element first = command(run(ADMIN, cmd(node, null, "execute", null)));
        assertEquals("executing", first.attr("status"));
        return run(ADMIN, cmd(node, first.attr("sessionid"), null, fields));
    }

    @Test
    void addUserGivesItsFormThenCreatesTheAccountWithTheSubmittedPassword() {
        Element first = command(run(ADMIN, cmd(ADD, null, "execute", null)));
        assertEquals("executing", first.attr("status"));
        assertEquals("complete", first.child("actions", AdHoc.NS).attr("execute"));
        Element form = first.child("x", "jabber:x:data");
        assertEquals("form", form.attr("type"));
        assertEquals(List.of("FORM_TYPE", "accountjid", "password", "password-verify"),
                form.children("field", "jabber:x:data").stream().map(f -> f.attr("var")).toList());

        Element done = command(run(ADMIN, cmd(ADD, first.attr("sessionid"), "complete",
                field("accountjid", "juliet@localhost") + field("password", "R0m30")
                        + field("password-verify", "R0m30"))));
        assertEquals("completed", done.attr("status"));
        assertEquals(first.attr("sessionid"), done.attr("sessionid"));
        assertEquals("R0m30", passwords.get("juliet"));
        assertTrue(counted.contains("add-user:completed"), counted::toString);
    }

    @Test
    void addingAnExistingUserIsAConflictAndDifferentPasswordsAreRefused() {
        passwords.put("juliet", "old");
        assertEquals(List.of("conflict"), errorConditions(twoSteps(ADD,
                field("accountjid", "juliet@localhost") + field("password", "new"))));
        assertEquals("old", passwords.get("juliet"));
        assertEquals(List.of("not-acceptable"), errorConditions(twoSteps(ADD,
                field("accountjid", "romeo@localhost") + field("password", "a") + field("password-verify", "b"))));
        assertEquals(List.of("not-acceptable"), errorConditions(twoSteps(ADD,
                field("accountjid", "romeo@elsewhere.example") + field("password", "a"))));
        assertNull(passwords.get("romeo"));
    }

    @Test
    void aFirstRequestThatCarriesItsFormCompletesAtOnce() {
        Element done = command(run(ADMIN, cmd(ADD, null, "complete",
                field("accountjid", "nurse@localhost") + field("password", "pw"))));
        assertEquals("completed", done.attr("status"));
        assertNotNull(done.attr("sessionid"));
        assertEquals("pw", passwords.get("nurse"));
    }

    @Test
    void changeDisableReenableAndDeleteChangeTheAccountsAndReportEachOne() {
        passwords.put("juliet", "old");
        assertEquals("completed", command(twoSteps("http://jabber.org/protocol/admin#change-user-password",
                field("accountjid", "juliet@localhost") + field("password", "new"))).attr("status"));
        assertEquals("new", passwords.get("juliet"));
        assertEquals(List.of("item-not-found"), errorConditions(twoSteps(
                "http://jabber.org/protocol/admin#change-user-password",
                field("accountjid", "nobody@localhost") + field("password", "x"))));

        Element disabledBoth = command(twoSteps("http://jabber.org/protocol/admin#disable-user",
                field("accountjids", "juliet@localhost", "nobody@localhost")));
        assertEquals(Set.of("juliet"), disabled);
        List<Element> notes = disabledBoth.children("note", AdHoc.NS);
        assertEquals(List.of("info", "error"), notes.stream().map(n -> n.attr("type")).toList());
        assertTrue(notes.get(1).text().contains("nobody@localhost"));

        command(twoSteps("http://jabber.org/protocol/admin#reenable-user", field("accountjids", "juliet@localhost")));
        assertEquals(Set.of(), disabled);
        command(twoSteps("http://jabber.org/protocol/admin#delete-user", field("accountjids", "juliet@localhost")));
        assertNull(passwords.get("juliet"));
    }

    @Test
    void countsCompleteInOneStepWithTheXepsResultFields() {
        passwords.put("a", "1");
        passwords.put("b", "2");
        Element online = command(run(ADMIN, cmd(ONLINE, null, null, null)));
        assertEquals("completed", online.attr("status"));
        Element x = online.child("x", "jabber:x:data");
        assertEquals("result", x.attr("type"));
        assertEquals("7", x.children("field", "jabber:x:data").get(1).childText("value", "jabber:x:data"));
        assertEquals(1, online.children("note", AdHoc.NS).size(), "the note says the count is cluster-wide");
        Element registered = command(run(ADMIN, cmd("http://jabber.org/protocol/admin#get-registered-users-num",
                null, null, null)));
        assertEquals("2", registered.child("x", "jabber:x:data").children("field", "jabber:x:data").get(1)
                .childText("value", "jabber:x:data"));
    }

    @Test
    void anAnnouncementIsAHeadlineFromTheServerWithTheLinesJoined() {
        Element done = command(twoSteps("http://jabber.org/protocol/admin#announce",
                field("announcement", "Going down", "in 2 minutes")));
        assertTrue(done.child("note", AdHoc.NS).text().contains("3 session"));
        assertEquals(1, announced.size());
        Element m = announced.get(0);
        assertEquals("headline", m.attr("type"));
        assertEquals("localhost", m.attr("from"));
        assertEquals("Going down\nin 2 minutes", m.childText("body", "jabber:client"));
        assertEquals(List.of("not-acceptable"), errorConditions(twoSteps("http://jabber.org/protocol/admin#announce",
                field("announcement", "x".repeat(101)))));
    }

    @Test
    void someoneNotInTheAdminListIsRefusedAndSeesNoCommands() {
        assertEquals(List.of("forbidden"), errorConditions(run("juliet@localhost/balcony", cmd(ADD, null, null, null))));
        assertTrue(counted.contains("add-user:refused"));
        Element items = commands.items(new IqRequest(StoredXml.parse("<iq xmlns='jabber:client' type='get' id='i'"
                + " from='juliet@localhost/balcony' to='localhost'><query xmlns='http://jabber.org/protocol/disco#items'"
                + " node='http://jabber.org/protocol/commands'/></iq>"), AddressKind.SERVER, null),
                AdHoc.NODE).reply();
        assertEquals(List.of(), items.child("query", null).elements());
        Element adminItems = commands.items(new IqRequest(StoredXml.parse("<iq xmlns='jabber:client' type='get'"
                + " id='i' from='" + ADMIN + "' to='localhost'><query xmlns='http://jabber.org/protocol/disco#items'"
                + " node='http://jabber.org/protocol/commands'/></iq>"), AddressKind.SERVER, null),
                AdHoc.NODE).reply();
        assertEquals(8, adminItems.child("query", null).elements().size());
        Element info = commands.info(new IqRequest(StoredXml.parse("<iq xmlns='jabber:client' type='get' id='i'"
                + " from='juliet@localhost/balcony' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'"
                + " node='" + ADD + "'/></iq>"), AddressKind.SERVER, null), ADD).reply();
        assertEquals("error", info.attr("type"));
        assertNull(commands.info(new IqRequest(StoredXml.parse("<iq xmlns='jabber:client' type='get' id='i'"
                + " from='" + ADMIN + "' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'"
                + " node='other'/></iq>"), AddressKind.SERVER, null), "other"), "not this module's node");
    }

    @Test
    void sessionsAreCheckedForRequesterCommandAndAgeAndMayBeCanceled() {
        String id = command(run(ADMIN, cmd(ADD, null, null, null))).attr("sessionid");
        String fields = field("accountjid", "x@localhost") + field("password", "pw");
        assertEquals(List.of("bad-request", "bad-sessionid"), errorConditions(run(ADMIN,
                cmd("http://jabber.org/protocol/admin#change-user-password", id, null, fields))));
        assertEquals(List.of("bad-request", "bad-sessionid"), errorConditions(run("boss@localhost/phone",
                cmd(ADD, id, null, fields))), "another resource of the admin did not start it");
        assertEquals(List.of("bad-request", "bad-action"), errorConditions(run(ADMIN, cmd(ADD, id, "next", fields))));
        assertEquals(List.of("bad-request", "bad-payload"), errorConditions(run(ADMIN, cmd(ADD, id, null, null))));
        assertEquals(List.of("bad-request", "malformed-action"), errorConditions(run(ADMIN,
                cmd(ADD, id, "jump", null))));
        assertEquals("canceled", command(run(ADMIN, cmd(ADD, id, "cancel", null))).attr("status"));
        now.addAndGet(Duration.ofMinutes(11).toMillis());
        assertEquals(List.of("not-allowed", "session-expired"), errorConditions(run(ADMIN, cmd(ADD, id, null, fields))));
        assertEquals(List.of("item-not-found"), errorConditions(run(ADMIN, cmd(
                "http://jabber.org/protocol/admin#shutdown", null, null, null))));
        assertNull(passwords.get("x"));
    }
}
