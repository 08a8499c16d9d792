package io.rookery.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rookery.http: its defaults, and the settings refused at start. */
class HttpSettingsTest {

    private static RookerySettings.HttpSettings http(Map<String, Object> overrides) {
        return RookerySettings.from(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load())).http();
    }

    @Test
    void defaultsAreOffWithPlainOnLoopbackOnly() {
        RookerySettings.HttpSettings h = RookerySettings.from(ConfigFactory.defaultReference().resolve()).http();
        assertFalse(h.enabled(), "off until the comparison tools leave 5280 and 5443 free");
        assertEquals("127.0.0.1", h.plain().iface());
        assertEquals(5280, h.plain().port());
        assertEquals(5443, h.tls().port());
        assertFalse(h.plainOnAnyInterface());
        assertEquals("/xmpp-websocket", h.webSocketPath());
        assertEquals(List.of(), h.allowedOrigins());
        assertTrue(h.webSocketKeepalive().compareTo(h.limits().idleTimeout()) < 0);
    }

    @Test
    void plainHttpOffLoopbackNeedsToBeAskedFor() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> http(Map.of(
                "rookery.http.enabled", true, "rookery.http.plain.interface", "0.0.0.0")));
        assertTrue(e.getMessage().contains("plain-on-any-interface"), e.getMessage());
        assertTrue(http(Map.of("rookery.http.enabled", true, "rookery.http.plain.interface", "0.0.0.0",
                "rookery.http.plain-on-any-interface", true)).plainOnAnyInterface());
        // Disabled, the plain listener's interface does not matter.
        assertTrue(http(Map.of("rookery.http.enabled", true, "rookery.http.plain.enabled", false,
                "rookery.http.plain.interface", "0.0.0.0")).enabled());
    }

    @Test
    void aKeepaliveNotShorterThanTheIdleTimeoutABadPathOrPublicUrlIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> http(Map.of("rookery.http.websocket.keepalive", "2m")));
        assertThrows(IllegalArgumentException.class, () -> http(Map.of("rookery.http.websocket.path", "ws")));
        assertThrows(IllegalArgumentException.class, () -> http(Map.of("rookery.http.public-url",
                "https://chat.example.com/path")));
        assertEquals("https://chat.example.com:8443", http(Map.of("rookery.http.public-url",
                "https://chat.example.com:8443")).publicUrl());
        assertEquals(Duration.ofSeconds(30), http(Map.of("rookery.http.websocket.keepalive", "30s"))
                .webSocketKeepalive());
    }

    @Test
    void boshDefaultsAndItsBoundsAreCheckedAtStart() {
        RookerySettings.BoshSettings b = RookerySettings.from(ConfigFactory.defaultReference().resolve()).http().bosh();
        assertEquals("/http-bind", b.path());
        assertEquals(Duration.ofSeconds(60), b.maxWait());
        assertEquals(1, b.maxHold());
        assertEquals(Duration.ofSeconds(30), b.inactivity());
        assertEquals(Duration.ofSeconds(120), b.maxPause());
        assertEquals(Duration.ofSeconds(2), b.polling());
        assertEquals(256 * 1024, b.maxBufferedBytes());
        assertThrows(IllegalArgumentException.class, () -> http(Map.of("rookery.http.bosh.max-wait", "2m")),
                "a held request must be answered before the idle timeout closes its connection");
        assertThrows(IllegalArgumentException.class, () -> http(Map.of("rookery.http.bosh.path", "/")));
        assertThrows(IllegalArgumentException.class, () -> http(Map.of("rookery.http.bosh.max-hold", 0)));
        assertThrows(IllegalArgumentException.class, () -> http(Map.of("rookery.http.bosh.max-buffered", "1k")));
        assertThrows(RuntimeException.class, () -> http(Map.of("rookery.http.bosh.inactivity", "0s")));
    }
}
