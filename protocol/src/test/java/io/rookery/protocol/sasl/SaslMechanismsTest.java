package io.rookery.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SaslMechanismsTest {

    @Test
    void advertisesStrongestFirstWithPlusAndPlainWhenPossible() {
        assertEquals(List.of("SCRAM-SHA-512-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS",
                        "SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"),
                SaslMechanisms.advertised(true, true, true));
    }

    @Test
    void advertisesPlusOnlyUnderTlsWithChannelBindingData() {
        List<String> scramOnly = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1");
        assertEquals(scramOnly, SaslMechanisms.advertised(true, false, false));
        assertEquals(scramOnly, SaslMechanisms.advertised(false, true, false));
    }

    @Test
    void advertisesPlainOnlyWhenAllowed() {
        assertEquals(List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"),
                SaslMechanisms.advertised(false, false, true));
    }

    @Test
    void createsEveryAdvertisedMechanismUnderItsName() {
        for (String name : SaslMechanisms.advertised(true, true, true)) {
            assertEquals(name, SaslMechanisms.create(name, new byte[] {1, 2, 3}, true).name());
        }
    }

    @Test
    void refusesToCreatePlusWithoutChannelBindingDataOrAnUnknownMechanism() {
        assertThrows(IllegalArgumentException.class, () -> SaslMechanisms.create("SCRAM-SHA-256-PLUS", null, true));
        assertThrows(IllegalArgumentException.class, () -> SaslMechanisms.create("DIGEST-MD5", null, false));
        assertThrows(IllegalArgumentException.class, () -> SaslMechanisms.create("SCRAM-SHA-384", null, false));
    }

    @Test
    void mapsMechanismsToTheHashOfTheirStoredCredentials() {
        assertEquals(ScramHash.SHA_1, SaslMechanisms.hashFor("SCRAM-SHA-1"));
        assertEquals(ScramHash.SHA_1, SaslMechanisms.hashFor("SCRAM-SHA-1-PLUS"));
        assertEquals(ScramHash.SHA_256, SaslMechanisms.hashFor("SCRAM-SHA-256-PLUS"));
        assertEquals(ScramHash.SHA_512, SaslMechanisms.hashFor("SCRAM-SHA-512"));
        assertEquals(ScramHash.SHA_256, SaslMechanisms.hashFor("PLAIN"));
        assertThrows(IllegalArgumentException.class, () -> SaslMechanisms.hashFor("ANONYMOUS"));
    }

    @Test
    void namesConditionsAsRfc6120Elements() {
        assertEquals("invalid-authzid", SaslCondition.INVALID_AUTHZID.elementName());
        assertEquals("temporary-auth-failure", SaslCondition.TEMPORARY_AUTH_FAILURE.elementName());
        assertEquals(11, SaslCondition.values().length);
    }
}
