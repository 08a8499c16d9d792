package io.rookery.node.ext.csi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.Modules;
import io.rookery.node.ext.StreamFeature;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The csi module as the core sees it: on by default, its feature and policy, off, and its bound. */
class CsiModuleTest {
    private static Modules load(Map<String, Object> overrides) {
        return Modules.fromConfig(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultReference()),
                Clock.systemUTC(), Instant.now());
    }

    private static String afterAuth(Modules modules) {
        return modules.streamFeatures(StreamFeature.Step.AFTER_AUTHENTICATION, new StreamFeature.StreamContext(false));
    }

    @Test
    void onByDefaultItOffersTheFeatureAfterAuthenticationAndGivesTheCoreItsPolicy() {
        Modules modules = load(Map.of());
        assertTrue(afterAuth(modules).contains("<csi xmlns='urn:xmpp:csi:0'/>"), afterAuth(modules));
        assertEquals("urn:xmpp:csi:0", modules.clientState().namespace());
        assertFalse(modules.streamFeatures(StreamFeature.Step.BEFORE_AUTHENTICATION,
                new StreamFeature.StreamContext(false)).contains("urn:xmpp:csi:0"));
    }

    @Test
    void switchedOffNothingIsOfferedAndNothingHeld() {
        Modules modules = load(Map.of("rookery.modules.csi.enabled", false));
        assertFalse(afterAuth(modules).contains("urn:xmpp:csi:0"));
        assertNull(modules.clientState());
    }

    @Test
    void aHoldingLimitOutsideItsBoundsFailsTheStart() {
        assertThrows(ConfigException.class, () -> load(Map.of("rookery.modules.csi.max-held-stanzas", 0)));
        assertThrows(ConfigException.class, () -> load(Map.of("rookery.modules.csi.max-held-stanzas", 10_001)));
    }
}
