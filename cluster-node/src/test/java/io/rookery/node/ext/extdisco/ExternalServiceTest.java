package io.rookery.node.ext.extdisco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.rookery.protocol.xep.extdisco.ExtDisco;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TURN REST credentials as coturn computes them, and the configuration's checks. */
class ExternalServiceTest {

    @Test
    void theTurnPasswordIsBase64OfHmacSha1OfTheUsername() {
        // openssl dgst -sha1 -hmac s3cret -binary <<< "1796553646:alice@localhost" (without newline) | base64
        assertEquals("mxMWvh4xo6euWvR7KNIhkIvjV2M=", ExternalService.turnPassword("s3cret",
                "1796553646:alice@localhost"));
    }

    @Test
    void aServiceWithASecretGivesEachUserCredentialsUntilItsTtl() {
        ExternalService s = ExternalService.from(ConfigFactory.parseMap(Map.of("type", "turn", "host",
                "turn.example.com", "port", 3478, "transport", "udp", "secret", "s3cret", "ttl", "2h")));
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        ExtDisco.Service given = s.forUser("alice@example.com", now);
        assertEquals(now.plusSeconds(7200), given.expires());
        assertEquals(now.plusSeconds(7200).getEpochSecond() + ":alice@example.com", given.username());
        assertEquals(ExternalService.turnPassword("s3cret", given.username()), given.password());
        assertFalse(s.toString().contains("s3cret"), "the secret is never printed");

        ExtDisco.Service stun = ExternalService.from(ConfigFactory.parseMap(Map.of("type", "stun", "host",
                "stun.example.com"))).forUser("alice@example.com", now);
        assertNull(stun.username());
        assertNull(stun.expires());
        assertEquals(0, stun.port());
    }

    @Test
    void aServiceNeedsATypeAndAHostAndASaneTtl() {
        assertThrows(RuntimeException.class, () -> ExternalService.from(ConfigFactory.parseMap(Map.of("type", "turn"))));
        assertThrows(RuntimeException.class, () -> ExternalService.from(ConfigFactory.parseMap(Map.of("type", "turn",
                "host", "h", "ttl", "1s"))));
    }
}
