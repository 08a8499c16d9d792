package io.rookery.node.ext.muc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SingleNode;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A room entity on one node with the in-memory journal, driven with stanzas as sessions route them. */
class RoomEntityTest {
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Jid jid(String s) {
        return Jid.parseOrNull(s);
    }

    private static Element next(TestProbe<SessionProtocol.Message> probe) {
        SessionProtocol.Message m = probe.receiveMessage(Duration.ofSeconds(10));
        return ((SessionProtocol.Deliver) m).stanza();
    }

    @Test
    void theCreatorEntersANewRoomAsItsOwnerWithStatus201() {
        TestProbe<SessionProtocol.Message> alice = node.testKit.createTestProbe();
        Element join = Element.builder("presence", Namespaces.CLIENT).attr("from", "alice@localhost/desk")
                .attr("to", "coven@conference.localhost/alice").child(Element.of("x", Muc.NS)).build();
        node.router.route(join, jid("coven@conference.localhost/alice"), alice.getRef());
        Element self = next(alice);
        assertEquals("presence", self.name(), self::toString);
        Element x = self.child("x", Muc.USER);
        assertNotNull(x, self::toString);
        assertEquals("owner", x.child("item", Muc.USER).attr("affiliation"), self::toString);
        assertEquals("110", x.children("status", Muc.USER).get(0).attr("code"));
        Element subject = next(alice);
        assertEquals("message", subject.name(), subject::toString);
    }

    @Test
    void aClientThatDoesNotSpeakMucCreatesAnInstantRoom() {
        TestProbe<SessionProtocol.Message> old = node.testKit.createTestProbe();
        TestProbe<SessionProtocol.Message> bob = node.testKit.createTestProbe();
        // §7.2.1: no <x xmlns='…muc'/>, the old groupchat protocol: the room is not locked.
        node.router.route(Element.builder("presence", Namespaces.CLIENT).attr("from", "old@localhost/desk")
                .attr("to", "gc@conference.localhost/old").build(), jid("gc@conference.localhost/old"), old.getRef());
        assertEquals("presence", next(old).name());
        java.util.List<String> none = enter(node, "bob@localhost/desk", "gc@conference.localhost", "bob", bob);
        assertEquals(java.util.List.of(), none);
    }

    @Test
    void aLockedRoomRefusesOthersWithItemNotFound() {
        TestProbe<SessionProtocol.Message> alice = node.testKit.createTestProbe();
        TestProbe<SessionProtocol.Message> bob = node.testKit.createTestProbe();
        node.router.route(Element.builder("presence", Namespaces.CLIENT).attr("from", "alice@localhost/desk")
                .attr("to", "locked@conference.localhost/alice").child(Element.of("x", Muc.NS)).build(),
                jid("locked@conference.localhost/alice"), alice.getRef());
        next(alice);
        next(alice);
        node.router.route(Element.builder("presence", Namespaces.CLIENT).attr("from", "bob@localhost/desk")
                .attr("id", "j1").attr("to", "locked@conference.localhost/bob").child(Element.of("x", Muc.NS)).build(),
                jid("locked@conference.localhost/bob"), bob.getRef());
        Element error = next(bob);
        assertEquals("error", error.attr("type"), error::toString);
        assertEquals("locked@conference.localhost/bob", error.attr("from"), error::toString);
        assertEquals("bob@localhost/desk", error.attr("to"), error::toString);
    }

    private static Element presence(String from, String to) {
        return Element.builder("presence", Namespaces.CLIENT).attr("from", from).attr("to", to)
                .child(Element.of("x", Muc.NS)).build();
    }

    private static Element groupchat(String from, String room, String body) {
        return Element.builder("message", Namespaces.CLIENT).attr("from", from).attr("to", room)
                .attr("type", "groupchat").child(Element.builder("body", Namespaces.CLIENT).text(body).build()).build();
    }

    /** The next stanza with a body, skipping presence and the subject. */
    private static Element nextBody(TestProbe<SessionProtocol.Message> probe) {
        for (int i = 0; i < 20; i++) {
            Element e = next(probe);
            if (e.child("body", null) != null) return e;
        }
        throw new AssertionError("no message with a body");
    }

    /** Enters the room; returns the bodies of the discussion history it got, which comes before the subject. */
    private static java.util.List<String> enter(SingleNode n, String user, String room, String nick,
            TestProbe<SessionProtocol.Message> probe) {
        n.router.route(presence(user, room + "/" + nick), jid(room + "/" + nick), probe.getRef());
        java.util.List<String> history = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Element e = next(probe);
            if (e.child("body", null) != null) history.add(e.childText("body", null));
            // §7.2.15: the subject comes last.
            if (e.name().equals("message") && e.child("subject", null) != null) return history;
        }
        throw new AssertionError(nick + " never entered");
    }

    private static void awaitPing(TestProbe<SessionProtocol.Message> probe, String room) {
        for (int attempt = 0; attempt < 50; attempt++) {
            node.router.route(Element.builder("iq", Namespaces.CLIENT).attr("from", "bob@localhost/desk")
                    .attr("to", room).attr("type", "get").attr("id", "ping" + attempt)
                    .child(Element.of("ping", "urn:xmpp:ping")).build(), jid(room), probe.getRef());
            try {
                Element e = ((SessionProtocol.Deliver) probe.receiveMessage(Duration.ofSeconds(1))).stanza();
                if ("result".equals(e.attr("type")) && ("ping" + attempt).equals(e.attr("id"))) return;
            } catch (AssertionError noAnswerYet) {
                // The ping reached the stopping entity.
            }
        }
        throw new AssertionError("the room never answered");
    }

    /** §10.1.2: the owner accepts the default configuration. */
    private static void instant(SingleNode n, String owner, String room, TestProbe<SessionProtocol.Message> probe) {
        n.router.route(Element.builder("iq", Namespaces.CLIENT).attr("from", owner)
                .attr("to", room).attr("type", "set").attr("id", "c1").child(Element.builder("query", Muc.OWNER)
                        .child(Element.builder("x", "jabber:x:data").attr("type", "submit").build()).build())
                .build(), jid(room), probe.getRef());
        assertEquals("result", next(probe).attr("type"));
    }

    @Test
    void aRoomThatStopsAndStartsAgainKeepsItsOccupantsAndItsHistory() {
        String room = "moved@conference.localhost";
        TestProbe<SessionProtocol.Message> alice = node.testKit.createTestProbe();
        TestProbe<SessionProtocol.Message> bob = node.testKit.createTestProbe();
        TestProbe<SessionProtocol.Message> carol = node.testKit.createTestProbe();
        enter(node, "alice@localhost/desk", room, "alice", alice);
        instant(node, "alice@localhost/desk", room, alice);
        enter(node, "bob@localhost/desk", room, "bob", bob);
        for (String body : new String[] {"one", "two"}) {
            node.router.route(groupchat("alice@localhost/desk", room, body), jid(room), alice.getRef());
            assertEquals(body, nextBody(alice).childText("body", null));
            assertEquals(body, nextBody(bob).childText("body", null));
        }
        // The entity stops (as when its shard moves, or its node dies) and starts again on the next stanza; what
        // reaches the stopping entity is lost, so the test pings until the room answers again.
        org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(node.testKit.system())
                .entityRefFor(RoomEntity.TYPE_KEY, room).tell(RoomEntity.Stop.INSTANCE);
        awaitPing(bob, room);
        node.router.route(groupchat("bob@localhost/desk", room, "still here?"), jid(room), bob.getRef());
        assertEquals("still here?", nextBody(alice).childText("body", null));
        assertEquals("bob@localhost/desk", next(bob).attr("to"));
        // The history the room took before it stopped was read back from its archive.
        assertEquals(java.util.List.of("one", "two", "still here?"),
                enter(node, "carol@localhost/desk", room, "carol", carol));
    }

    @Test
    void occupantsOnTwoNodesAllGetTheRoomsMessages() throws Exception {
        try (SingleNode other = SingleNode.join(com.typesafe.config.ConfigFactory.empty(), node)) {
            String room = "spread@conference.localhost";
            java.util.List<TestProbe<SessionProtocol.Message>> probes = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                SingleNode n = i % 2 == 0 ? node : other;
                TestProbe<SessionProtocol.Message> p = n.testKit.createTestProbe();
                enter(n, "u" + i + "@localhost/desk", room, "u" + i, p);
                if (i == 0) instant(n, "u0@localhost/desk", room, p);
                probes.add(p);
            }
            for (int round = 0; round < 3; round++) {
                String body = "round " + round;
                other.router.route(groupchat("u1@localhost/desk", room, body), jid(room), probes.get(1).getRef());
                for (int i = 0; i < 4; i++) {
                    Element m = nextBody(probes.get(i));
                    assertEquals(body, m.childText("body", null));
                    assertEquals("u" + i + "@localhost/desk", m.attr("to"));
                    assertEquals(room + "/u1", m.attr("from"));
                }
            }
        }
    }

    @Test
    void theMaxUsersFieldOffersTheXepsChoicesAndNoneStandsForTheServicesLimit() {
        String room = "choices@conference.localhost";
        TestProbe<SessionProtocol.Message> alice = node.testKit.createTestProbe();
        enter(node, "alice@localhost/desk", room, "alice", alice);
        instant(node, "alice@localhost/desk", room, alice);
        // §15.5.3 registers the field as list-single (Smack 4.5 drops a form that types it otherwise); the choices
        // go up to max-occupants (5000 by default), with the room's own value (default-max-users, 200) among them.
        Element field = maxUsersField(ownerForm("alice@localhost/desk", room, alice));
        assertEquals("list-single", field.attr("type"), field::toString);
        assertEquals("200", field.childText("value", DATA), field::toString);
        assertEquals(java.util.List.of("10", "20", "30", "50", "100", "200", "none"),
                field.children("option", DATA).stream().map(o -> o.childText("value", DATA)).toList());
        node.router.route(configure("alice@localhost/desk", room,
                java.util.Map.of("muc#roomconfig_maxusers", "none")), jid(room), alice.getRef());
        assertEquals("result", nextIq(alice, "cfg").attr("type"));
        Element after = maxUsersField(ownerForm("alice@localhost/desk", room, alice));
        assertEquals("5000", after.childText("value", DATA), after::toString);
        assertEquals("none", after.children("option", DATA).get(after.children("option", DATA).size() - 1)
                .childText("value", DATA));
    }

    private static final String DATA = "jabber:x:data";

    /** §10.2: the owner asks for the configuration form; the iq's answer, whatever came before it. */
    private static Element ownerForm(String owner, String room, TestProbe<SessionProtocol.Message> probe) {
        node.router.route(Element.builder("iq", Namespaces.CLIENT).attr("from", owner).attr("to", room)
                .attr("type", "get").attr("id", "form").child(Element.of("query", Muc.OWNER)).build(), jid(room),
                probe.getRef());
        Element answer = nextIq(probe, "form");
        assertEquals("result", answer.attr("type"), answer::toString);
        return answer.child("query", Muc.OWNER).child("x", DATA);
    }

    private static Element nextIq(TestProbe<SessionProtocol.Message> probe, String id) {
        for (int i = 0; i < 10; i++) {
            Element e = next(probe);
            if ("iq".equals(e.name()) && id.equals(e.attr("id"))) return e;
        }
        throw new AssertionError("no iq " + id);
    }

    private static Element maxUsersField(Element form) {
        return form.children("field", DATA).stream()
                .filter(f -> "muc#roomconfig_maxusers".equals(f.attr("var"))).findFirst().orElseThrow();
    }

    private static Element configure(String owner, String room, java.util.Map<String, String> fields) {
        Element.Builder x = Element.builder("x", "jabber:x:data").attr("type", "submit");
        fields.forEach((var, value) -> x.child(Element.builder("field", "jabber:x:data").attr("var", var)
                .child(Element.builder("value", "jabber:x:data").text(value).build()).build()));
        return Element.builder("iq", Namespaces.CLIENT).attr("from", owner).attr("to", room).attr("type", "set")
                .attr("id", "cfg").child(Element.builder("query", Muc.OWNER).child(x.build()).build()).build();
    }

    private static java.util.List<String> codes(Element stanza) {
        Element x = stanza.child("x", Muc.USER);
        return x == null ? java.util.List.of()
                : x.children("status", Muc.USER).stream().map(st -> st.attr("code")).toList();
    }

    @Test
    void configurationChangesAreAnnouncedWithThePrivacyCodesAndMembersOnlyRemovesNonMembers() {
        String room = "codes@conference.localhost";
        TestProbe<SessionProtocol.Message> alice = node.testKit.createTestProbe();
        TestProbe<SessionProtocol.Message> bob = node.testKit.createTestProbe();
        enter(node, "alice@localhost/desk", room, "alice", alice);
        instant(node, "alice@localhost/desk", room, alice);
        enter(node, "bob@localhost/desk", room, "bob", bob);
        next(alice); // bob's presence
        // §10.2.1: 104, and 172 when the room becomes non-anonymous.
        node.router.route(configure("alice@localhost/desk", room,
                java.util.Map.of("muc#roomconfig_whois", "anyone")), jid(room), alice.getRef());
        assertEquals("result", next(alice).attr("type"));
        Element told = next(bob);
        assertEquals(java.util.List.of("104", "172"), codes(told), told::toString);
        next(alice);
        // §9.4: made members-only, the room removes those who are not members, with 322.
        node.router.route(configure("alice@localhost/desk", room,
                java.util.Map.of("muc#roomconfig_membersonly", "1")), jid(room), alice.getRef());
        assertEquals("result", next(alice).attr("type"));
        next(bob); // 104
        Element removed = next(bob);
        assertEquals("unavailable", removed.attr("type"), removed::toString);
        assertEquals(java.util.List.of("110", "322"), codes(removed), removed::toString);
    }

    @Test
    void aModeratorApprovesAVoiceRequestWithTheRequestForm() {
        String room = "voice@conference.localhost";
        TestProbe<SessionProtocol.Message> alice = node.testKit.createTestProbe();
        TestProbe<SessionProtocol.Message> bob = node.testKit.createTestProbe();
        enter(node, "alice@localhost/desk", room, "alice", alice);
        node.router.route(configure("alice@localhost/desk", room,
                java.util.Map.of("muc#roomconfig_moderatedroom", "1")), jid(room), alice.getRef());
        assertEquals("result", next(alice).attr("type"));
        enter(node, "bob@localhost/desk", room, "bob", bob);
        assertEquals("visitor", next(alice).child("x", Muc.USER).child("item", Muc.USER).attr("role"));
        // §8.6: the moderator submits the request form with muc#request_allow true.
        Element.Builder x = Element.builder("x", "jabber:x:data").attr("type", "submit");
        java.util.Map.of("FORM_TYPE", Muc.REQUEST, "muc#role", "participant", "muc#roomnick", "bob",
                "muc#request_allow", "true").forEach((var, value) -> x.child(Element.builder("field", "jabber:x:data")
                .attr("var", var).child(Element.builder("value", "jabber:x:data").text(value).build()).build()));
        node.router.route(Element.builder("message", Namespaces.CLIENT).attr("from", "alice@localhost/desk")
                .attr("to", room).child(x.build()).build(), jid(room), alice.getRef());
        Element voiced = next(bob);
        assertEquals("participant", voiced.child("x", Muc.USER).child("item", Muc.USER).attr("role"),
                voiced::toString);
    }
}
