package io.rookery.node.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** rookery.auth.jwt and rookery.auth.callout: off by default, and the unsafe settings refused at start. */
class PlatformLoginSettingsTest {

    private static PlatformLoginSettings with(Map<String, Object> overrides) {
        return PlatformLoginSettings.from(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()));
    }

    @Test
    void bothAreOffByDefaultWithSafeValues() {
        PlatformLoginSettings s = PlatformLoginSettings.from(ConfigFactory.defaultReference().resolve());
        assertFalse(s.jwt().enabled());
        assertFalse(s.callout().enabled());
        assertEquals(Set.of("RS256", "ES256"), s.jwt().algorithms());
        assertEquals("sub", s.jwt().jidClaim());
        assertEquals(Duration.ofSeconds(3), s.callout().timeout());
        assertEquals(Duration.ofSeconds(30), s.jwt().clockSkew());
    }

    @Test
    void jwtNeedsAnAudienceAndKeys() {
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.jwt.enabled", true,
                "rookery.auth.jwt.jwks-file", "/tmp/x.json")));
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.jwt.enabled", true,
                "rookery.auth.jwt.audience", "xmpp")));
        assertTrue(with(Map.of("rookery.auth.jwt.enabled", true, "rookery.auth.jwt.audience", "xmpp",
                "rookery.auth.jwt.jwks-url", "https://platform.example/jwks.json")).jwt().enabled());
    }

    @Test
    void algNoneAndHs256WithoutASecretAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.jwt.algorithms",
                java.util.List.of("none"))));
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.jwt.enabled", true,
                "rookery.auth.jwt.audience", "xmpp", "rookery.auth.jwt.jwks-file", "/tmp/x.json",
                "rookery.auth.jwt.algorithms", java.util.List.of("RS256", "HS256"))));
    }

    @Test
    void plainHttpIsOnlyAllowedToLoopback() {
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.callout.url",
                "http://platform.example/check")));
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.callout.url",
                "ftp://127.0.0.1/check")));
        assertTrue(with(Map.of("rookery.auth.callout.url", "http://127.0.0.1:8080/check")).callout().enabled());
        assertTrue(with(Map.of("rookery.auth.callout.url", "https://platform.example/check")).callout().enabled());
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.jwt.enabled", true,
                "rookery.auth.jwt.audience", "xmpp", "rookery.auth.jwt.jwks-url", "http://10.0.0.1/jwks")));
    }

    @Test
    void timeoutsAndCacheAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.callout.timeout", "0s")));
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.callout.timeout", "5m")));
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.callout.cache-size", -1)));
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.callout.cache-ttl", "2d")));
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.jwt.clock-skew", "1h")));
        assertThrows(IllegalArgumentException.class, () -> with(Map.of("rookery.auth.jwt.refresh-interval", "1s")));
    }
}
