package io.rookery.node.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.caps.CapsModule;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.caps.Caps;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.ping.Ping;
import io.rookery.protocol.xml.Element;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The server's own iq answers and its XEP-0115 verification string, from the default modules, without actors. */
class ServerModulesTest {
    private static final Instant STARTED = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant NOW = Instant.parse("2024-05-01T10:15:42.789Z");
    private final Modules handlers = modules(false);

    private static Modules modules(boolean registration) {
        Config config = ConfigFactory.parseString("rookery.registration.enabled = " + registration)
                .withFallback(ConfigFactory.defaultReference());
        return Modules.fromConfig(config, Clock.fixed(NOW, ZoneOffset.UTC), STARTED);
    }

    private static Element serverIq(Modules modules, Element iq) {
        return modules.answer(AddressKind.SERVER, iq);
    }

    private static String capsVer(Modules modules) {
        return CapsModule.ver(modules);
    }

    private static String capsStreamFeature(Modules modules) {
        return modules.streamFeatures(StreamFeature.Step.AFTER_AUTHENTICATION, new StreamFeature.StreamContext(true))
                .replaceAll(".*(<c [^>]*/>).*", "$1");
    }

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
        String ver = Caps.ver(List.of("client/pc//Exodus 0.9.1"), List.of(
                "http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/disco#items",
                "http://jabber.org/protocol/muc", "http://jabber.org/protocol/caps"));
        assertEquals("QgayPKawpkPSDYmwT/WM94uAlu0=", ver);
    }

    @Test
    void theServersCapsVerHashesItsOwnDiscoInfoIdentityAndFeatures() {
        Element info = result(serverIq(handlers, get(Element.of("query", Disco.INFO))));
        Element identity = info.child("identity", Disco.INFO);
        String identityString = identity.attr("category") + "/" + identity.attr("type") + "//" + identity.attr("name");
        List<String> features = info.children("feature", Disco.INFO).stream().map(f -> f.attr("var"))
                .collect(Collectors.toList());

        assertEquals(Caps.ver(List.of(identityString), features), capsVer(handlers));
        assertEquals("<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://rookery.io' ver='"
                + capsVer(handlers) + "'/>", capsStreamFeature(handlers));
        // Registration adds a feature, so the hash changes with it.
        assertTrue(!capsVer(handlers).equals(capsVer(modules(true))));
    }

    @Test
    void discoInfoOfTheCapsNodeAnswersTheSameInformationWithTheNode() {
        String node = "https://rookery.io#" + capsVer(handlers);
        Element info = result(serverIq(handlers, get(Element.builder("query", Disco.INFO)
                .attr("node", node).build())));
        assertEquals(node, info.attr("node"));
        Element plain = result(serverIq(handlers, get(Element.of("query", Disco.INFO))));
        assertNull(plain.attr("node"));
        assertEquals(plain.elements(), info.elements());

        Element unknown = serverIq(handlers, get(Element.builder("query", Disco.INFO)
                .attr("node", "https://rookery.io#nope").build()));
        assertEquals("error", unknown.attr("type"), unknown::toString);
    }

    @Test
    void theServerAdvertisesVersionTimeLastCarbonsAndBlocking() {
        Element info = result(serverIq(handlers, get(Element.of("query", Disco.INFO))));
        List<String> features = info.children("feature", Disco.INFO).stream().map(f -> f.attr("var"))
                .collect(Collectors.toList());
        assertTrue(features.containsAll(List.of("jabber:iq:version", "urn:xmpp:time", "jabber:iq:last",
                "urn:xmpp:carbons:2", "urn:xmpp:blocking", Ping.NS)), features::toString);
    }

    @Test
    void softwareVersionNamesRookeryAVersionAndTheOperatingSystem() {
        Element q = result(serverIq(handlers, get(Element.of("query", "jabber:iq:version"))));
        assertEquals("Rookery", q.childText("name", "jabber:iq:version"));
        String version = q.childText("version", "jabber:iq:version");
        assertNotNull(version);
        assertTrue(!version.isBlank());
        assertEquals(System.getProperty("os.name"), q.childText("os", "jabber:iq:version"));
    }

    @Test
    void entityTimeIsUtcWithAZuluStamp() {
        Element t = result(serverIq(handlers, get(Element.of("time", "urn:xmpp:time"))));
        assertEquals("+00:00", t.childText("tzo", "urn:xmpp:time"));
        assertEquals("2024-05-01T10:15:42Z", t.childText("utc", "urn:xmpp:time"));
    }

    @Test
    void lastActivityOfTheServerIsTheSecondsSinceItStarted() {
        Element q = result(serverIq(handlers, get(Element.of("query", "jabber:iq:last"))));
        assertEquals("942", q.attr("seconds"));
    }

    @Test
    void aSetOfVersionIsServiceUnavailable() {
        Element set = Element.builder("iq", Namespaces.CLIENT).attr("from", "alice@localhost/desk")
                .attr("to", "localhost").attr("type", "set").attr("id", "s1")
                .child(Element.of("query", "jabber:iq:version")).build();
        Element reply = serverIq(handlers, set);
        assertEquals("error", reply.attr("type"));
        assertNotNull(reply.child("error", Namespaces.CLIENT).child("service-unavailable", Namespaces.STANZAS));
    }
}
