package io.rookery.node.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.caps.CapsModule;
import io.rookery.node.ext.probe.ProbeModule;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.version.SoftwareVersion;
import io.rookery.protocol.xml.Element;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Wiring modules from configuration: adding one, switching one off, and the starts that must fail. */
class ModulesTest {
    private static Modules load(Map<String, Object> overrides) {
        Config config = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultReference());
        return Modules.fromConfig(config, Clock.systemUTC(), Instant.now());
    }

    private static Element get(String name, String ns) {
        return Element.builder("iq", Namespaces.CLIENT).attr("from", "alice@localhost/desk").attr("to", "localhost")
                .attr("type", "get").attr("id", "m1").child(Element.of(name, ns)).build();
    }

    private static String afterAuth(Modules modules) {
        return modules.streamFeatures(StreamFeature.Step.AFTER_AUTHENTICATION, new StreamFeature.StreamContext(true));
    }

    @Test
    void aModuleNamedOnlyInConfigurationAnswersItsIqAndAddsItsDiscoAndStreamFeatures() {
        Modules plain = load(Map.of());
        Modules probed = load(ProbeModule.enabledWith("hello from the test tree"));

        assertEquals("error", plain.answer(AddressKind.SERVER, get("probe", ProbeModule.NS)).attr("type"));
        Element reply = probed.answer(AddressKind.SERVER, get("probe", ProbeModule.NS));
        assertEquals("result", reply.attr("type"), reply::toString);
        assertEquals("hello from the test tree", reply.child("probe", ProbeModule.NS).attr("greeting"));

        assertFalse(plain.discoFeatures(Discoverable.SERVER).contains(ProbeModule.NS));
        assertTrue(probed.discoFeatures(Discoverable.SERVER).contains(ProbeModule.NS));
        assertFalse(afterAuth(plain).contains(ProbeModule.NS));
        assertTrue(afterAuth(probed).contains("<probe xmlns='" + ProbeModule.NS + "'/>"), afterAuth(probed));
        // The caps hash covers every module's features.
        assertNotEquals(CapsModule.ver(plain), CapsModule.ver(probed));
        assertTrue(probed.names().contains("probe"));
    }

    @Test
    void aHandlerThatThrowsAnswersInternalServerErrorInsteadOfFailingItsCaller() {
        // Thrown inside an account's entity, the exception would stop the entity (and its other iq never answered).
        Modules probed = load(ProbeModule.enabledWith("hi"));
        Element reply = probed.answer(AddressKind.SERVER, get("fail", ProbeModule.NS));
        assertEquals("error", reply.attr("type"), reply::toString);
        assertEquals("m1", reply.attr("id"));
        assertTrue(reply.toString().contains("internal-server-error"), reply::toString);
        assertEquals("result", probed.answer(AddressKind.SERVER, get("probe", ProbeModule.NS)).attr("type"),
                "and the module answers the next one");
    }

    @Test
    void sentMessagesAreWantedAsTheModulesDeclare() {
        // The archive (on by default) takes every sent message.
        assertEquals(-1, load(Map.of()).sentCopiesMask());
        // Carbons alone: only while another resource has carbons on.
        assertEquals(io.rookery.node.ext.ResourceFlags.CARBONS,
                load(Map.of("rookery.modules.mam.enabled", false)).sentCopiesMask());
        assertEquals(0, load(Map.of("rookery.modules.carbons.enabled", false, "rookery.modules.mam.enabled", false))
                .sentCopiesMask());
        // A module that takes every sent message makes them all wanted, whatever the order of the modules.
        Map<String, Object> archive = new java.util.HashMap<>(ProbeModule.enabledWith("archive"));
        archive.put("rookery.modules.mam.enabled", false);
        archive.put("rookery.modules.probe.every-sent-message", true);
        assertEquals(-1, load(archive).sentCopiesMask());
        archive.put("rookery.modules.carbons.enabled", false);
        assertEquals(-1, load(archive).sentCopiesMask());
    }

    @Test
    void aModuleSwitchedOffAnswersNothingAndIsNotAdvertised() {
        Modules off = load(Map.of("rookery.modules.version.enabled", false));
        Element reply = off.answer(AddressKind.SERVER, get("query", SoftwareVersion.NS));
        assertNotNull(reply.child("error", Namespaces.CLIENT).child("service-unavailable", Namespaces.STANZAS));
        assertFalse(off.discoFeatures(Discoverable.SERVER).contains(SoftwareVersion.NS));
        assertFalse(off.enabled("version"));
        assertTrue(load(Map.of()).discoFeatures(Discoverable.SERVER).contains(SoftwareVersion.NS));

        // Carbons work through hooks: switched off, no handler is told and nothing is copied (push, which listens
        // to received messages too, off as well).
        Modules noCarbons = load(Map.of("rookery.modules.carbons.enabled", false, "rookery.modules.push.enabled",
                false));
        assertFalse(noCarbons.hooked(Hook.STANZA_RECEIVED));
        assertFalse(noCarbons.discoFeatures(Discoverable.SERVER).contains("urn:xmpp:carbons:2"));
        assertTrue(load(Map.of()).hooked(Hook.STANZA_RECEIVED));
    }

    @Test
    void blockingRosterVersioningAndPreApprovalCanBeSwitchedOffLikeAnyOther() {
        Modules all = load(Map.of());
        assertTrue(all.mirroredParts().contains(io.rookery.node.ext.blocking.BlockingModule.BLOCKLIST));
        assertTrue(all.enabled(CoreFeature.ROSTER_VERSIONING));
        assertTrue(all.enabled(CoreFeature.SUBSCRIPTION_PRE_APPROVAL));
        assertTrue(afterAuth(all).contains("urn:xmpp:features:rosterver"), afterAuth(all));

        Modules none = load(Map.of("rookery.modules.blocking.enabled", false, "rookery.modules.rosterver.enabled",
                false, "rookery.modules.preapproval.enabled", false));
        assertFalse(none.discoFeatures(Discoverable.SERVER).contains("urn:xmpp:blocking"));
        assertFalse(none.mirroredParts().contains(io.rookery.node.ext.blocking.BlockingModule.BLOCKLIST),
                "no filter: sessions keep no copy of the blocklist");
        assertFalse(none.enabled(CoreFeature.ROSTER_VERSIONING));
        assertFalse(none.enabled(CoreFeature.SUBSCRIPTION_PRE_APPROVAL));
        assertFalse(afterAuth(none).contains("urn:xmpp:features:rosterver"), afterAuth(none));
        assertFalse(afterAuth(none).contains("urn:xmpp:features:pre-approval"), afterAuth(none));
        // The blocklist is still kept in accounts, so switching the module on again finds it.
        assertTrue(none.parts().indexOf(io.rookery.node.ext.blocking.BlockingModule.BLOCKLIST) >= 0);
        TestAccount alice = TestAccount.of("alice@localhost");
        Element listGet = Element.builder("iq", Namespaces.CLIENT).attr("type", "get").attr("id", "b")
                .child(Element.of("blocklist", "urn:xmpp:blocking")).build();
        assertNull(none.handle(AddressKind.OWN_ACCOUNT, listGet, alice), "nothing answers the blocklist get");
        assertNotNull(all.handle(AddressKind.OWN_ACCOUNT, listGet, alice));
    }

    @Test
    void aBlocklistLimitOutsideItsBoundsFailsTheStart() {
        assertThrows(ConfigException.class, () -> load(Map.of("rookery.modules.blocking.max-items", 0)));
        assertThrows(ConfigException.class, () -> load(Map.of("rookery.modules.blocking.max-items", 100_001)));
    }

    @Test
    void aModuleClassThatCannotBeLoadedFailsTheStart() {
        assertThrows(ConfigException.class, () -> load(Map.of("rookery.modules.nope.class", "com.example.Nope",
                "rookery.modules.nope.enabled", true)));
        assertThrows(ConfigException.class, () -> load(Map.of("rookery.modules.nope.class", "java.lang.Object",
                "rookery.modules.nope.enabled", true)));
    }

    @Test
    void aModuleWhoseEventsRegistrarIsNotConfiguredFailsTheStart() {
        Map<String, Object> probe = new java.util.HashMap<>(ProbeModule.enabledWith("hi"));
        probe.put("rookery.modules.probe.events-registrar", ProbeRegistrar.class.getName());
        ConfigException e = assertThrows(ConfigException.class, () -> load(probe));
        assertTrue(e.getMessage().contains("rookery.modules") || e.getMessage().contains("module-registrars"),
                e::getMessage);
        probe.put("rookery.kryo.module-registrars.probe", ProbeRegistrar.class.getName());
        assertTrue(load(probe).enabled("probe"));
        // The stock modules' events are registered by the persistence layer's registrars.
        assertTrue(load(Map.of()).enabled("vcard"));
    }

    /** Gives nothing ids: only its name matters here. */
    public static final class ProbeRegistrar implements io.rookery.persistence.kryo.KryoRegistrar {
        @Override
        public void register(io.rookery.persistence.kryo.KryoRegistry registry) {
        }
    }

    @Test
    void twoModulesClaimingTheSameIqFailTheStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> load(Map.of(
                "rookery.modules.version2.class", "io.rookery.node.ext.version.VersionModule",
                "rookery.modules.version2.enabled", true, "rookery.modules.version2.show-os", false)));
        assertTrue(e.getMessage().contains("version2"), e::getMessage);
    }

    @Test
    void anIqNoModuleHandlesIsLeftToTheCaller() {
        assertNull(load(Map.of()).handle(AddressKind.OWN_ACCOUNT, get("query", "urn:example:nothing"), null));
        // A result or error is never dispatched.
        Element result = Element.builder("iq", Namespaces.CLIENT).attr("type", "result").attr("id", "r")
                .child(Element.of("ping", "urn:xmpp:ping")).build();
        assertNull(load(Map.of()).handle(AddressKind.SERVER, result, null));
    }

    @Test
    void aModuleSettingIsReadFromItsOwnSection() {
        Element shown = load(Map.of()).answer(AddressKind.SERVER, get("query", SoftwareVersion.NS));
        assertNotNull(shown.child("query", SoftwareVersion.NS).child("os", SoftwareVersion.NS));
        Element hidden = load(Map.of("rookery.modules.version.show-os", false))
                .answer(AddressKind.SERVER, get("query", SoftwareVersion.NS));
        assertEquals("result", hidden.attr("type"));
        assertNull(hidden.child("query", SoftwareVersion.NS).child("os", SoftwareVersion.NS));
    }
}
