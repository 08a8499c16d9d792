package io.rookery.protocol.xep.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * XEP-0114 §3, example 3: the server's stream id {@code 3BF96D32} and the secret {@code test} (the XEP does not print
 * the secret; "test" is the one that gives its handshake) make {@code aaee83c26aeeafcbabeabfcbcd50df997e0a2a1e}.
 */
class HandshakeTest {
    private static final String XEP_ID = "3BF96D32";
    private static final String XEP_SECRET = "test";
    private static final String XEP_HANDSHAKE = "aaee83c26aeeafcbabeabfcbcd50df997e0a2a1e";

    @Test
    void theDigestOfTheXepsStreamIdAndSecretIsTheXepsHandshake() {
        assertEquals(XEP_HANDSHAKE, Handshake.digest(XEP_ID, XEP_SECRET));
    }

    @Test
    void theXepsHandshakeMatchesAndAnotherSecretOrStreamDoesNot() {
        assertTrue(Handshake.matches(XEP_ID, XEP_SECRET, XEP_HANDSHAKE));
        assertFalse(Handshake.matches(XEP_ID, "test2", XEP_HANDSHAKE));
        assertFalse(Handshake.matches("3BF96D33", XEP_SECRET, XEP_HANDSHAKE));
        assertFalse(Handshake.matches(XEP_ID, XEP_SECRET, XEP_HANDSHAKE.substring(1)));
        assertFalse(Handshake.matches(XEP_ID, XEP_SECRET, ""));
        assertFalse(Handshake.matches(XEP_ID, XEP_SECRET, null));
    }

    @Test
    void whitespaceAroundTheValueAndUpperCaseHexAreTolerated() {
        assertTrue(Handshake.matches(XEP_ID, XEP_SECRET, "\n  " + XEP_HANDSHAKE.toUpperCase() + " "));
    }

    @Test
    void aNonAsciiSecretIsHashedAsUtf8() {
        // python3: hashlib.sha1('idsécret'.encode()).hexdigest(), as slixmpp computes it.
        assertEquals("1ec1572bb01454c71a2613a8d5fee9138d6a78fb", Handshake.digest("id", "sécret"));
    }
}
