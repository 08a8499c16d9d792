package io.rookery.node.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The server's own iq answers and its XEP-0115 verification string, without actors. */
class ServerHandlersTest {
    private static final Instant STARTED = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant NOW = Instant.parse("2024-05-01T10:15:42.789Z");
    private final ServerHandlers handlers =
            new ServerHandlers(false, STARTED, Clock.fixed(NOW, ZoneOffset.UTC));

    private static Element get(Element payload) {
        return Element.builder("iq", Namespaces.CLIENT).attr("from", "alice@localhost/desk").attr("to", "localhost")
                .attr("type", "get").attr("id", "q1").child(payload).build();
    }

    private static Element result(Element reply) {
        assertEquals("result", reply.attr("type"), reply::toString);
        assertEquals("q1", reply.attr("id"), reply::toString);
        assertEquals("localhost", reply.attr("from"), reply::toString);
        assertEquals("alice@localhost/desk", reply.attr("to"), reply::toString);
        assertEquals(1, reply.elements().size(), reply::toString);
        return reply.elements().get(0);
    }

    @Test
    void theCapsVerOfXep0115SimpleExampleIsTheOneTheXepGives() {
        // XEP-0115 §5.2.
        String ver = ServerHandlers.capsVer(List.of("client/pc//Exodus 0.9.1"), List.of(
                "http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/disco#items",
                "http://jabber.org/protocol/muc", "http://jabber.org/protocol/caps"));
        assertEquals("QgayPKawpkPSDYmwT/WM94uAlu0=", ver);
    }

    @Test
    void theServersCapsVerHashesItsOwnDiscoInfoIdentityAndFeatures() {
        Element info = result(handlers.serverIq(get(Element.of("query", Namespaces.DISCO_INFO))));
        Element identity = info.child("identity", Namespaces.DISCO_INFO);
        String identityString = identity.attr("category") + "/" + identity.attr("type") + "//" + identity.attr("name");
        List<String> features = info.children("feature", Namespaces.DISCO_INFO).stream().map(f -> f.attr("var"))
                .collect(Collectors.toList());

        assertEquals(ServerHandlers.capsVer(List.of(identityString), features), handlers.capsVer());
        assertEquals("<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://rookery.io' ver='"
                + handlers.capsVer() + "'/>", handlers.capsStreamFeature());
        // Registration adds a feature, so the hash changes with it.
        assertTrue(!handlers.capsVer().equals(new ServerHandlers(true).capsVer()));
    }

    @Test
    void discoInfoOfTheCapsNodeAnswersTheSameInformationWithTheNode() {
        String node = "https://rookery.io#" + handlers.capsVer();
        Element info = result(handlers.serverIq(get(Element.builder("query", Namespaces.DISCO_INFO)
                .attr("node", node).build())));
        assertEquals(node, info.attr("node"));
        Element plain = result(handlers.serverIq(get(Element.of("query", Namespaces.DISCO_INFO))));
        assertNull(plain.attr("node"));
        assertEquals(plain.elements(), info.elements());

        Element unknown = handlers.serverIq(get(Element.builder("query", Namespaces.DISCO_INFO)
                .attr("node", "https://rookery.io#nope").build()));
        assertEquals("error", unknown.attr("type"), unknown::toString);
    }

    @Test
    void theServerAdvertisesVersionTimeLastCarbonsAndBlocking() {
        Element info = result(handlers.serverIq(get(Element.of("query", Namespaces.DISCO_INFO))));
        List<String> features = info.children("feature", Namespaces.DISCO_INFO).stream().map(f -> f.attr("var"))
                .collect(Collectors.toList());
        assertTrue(features.containsAll(List.of("jabber:iq:version", "urn:xmpp:time", "jabber:iq:last",
                "urn:xmpp:carbons:2", "urn:xmpp:blocking", Namespaces.PING)), features::toString);
    }

    @Test
    void softwareVersionNamesRookeryAVersionAndTheOperatingSystem() {
        Element q = result(handlers.serverIq(get(Element.of("query", "jabber:iq:version"))));
        assertEquals("Rookery", q.childText("name", "jabber:iq:version"));
        String version = q.childText("version", "jabber:iq:version");
        assertNotNull(version);
        assertTrue(!version.isBlank());
        assertEquals(System.getProperty("os.name"), q.childText("os", "jabber:iq:version"));
    }

    @Test
    void entityTimeIsUtcWithAZuluStamp() {
        Element t = result(handlers.serverIq(get(Element.of("time", "urn:xmpp:time"))));
        assertEquals("+00:00", t.childText("tzo", "urn:xmpp:time"));
        assertEquals("2024-05-01T10:15:42Z", t.childText("utc", "urn:xmpp:time"));
    }

    @Test
    void lastActivityOfTheServerIsTheSecondsSinceItStarted() {
        Element q = result(handlers.serverIq(get(Element.of("query", "jabber:iq:last"))));
        assertEquals("942", q.attr("seconds"));
    }

    @Test
    void aSetOfVersionIsServiceUnavailable() {
        Element set = Element.builder("iq", Namespaces.CLIENT).attr("from", "alice@localhost/desk")
                .attr("to", "localhost").attr("type", "set").attr("id", "s1")
                .child(Element.of("query", "jabber:iq:version")).build();
        Element reply = handlers.serverIq(set);
        assertEquals("error", reply.attr("type"));
        assertNotNull(reply.child("error", Namespaces.CLIENT).child("service-unavailable", Namespaces.STANZAS));
    }
}
