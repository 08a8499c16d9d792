package io.rookery.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OAuthBearerMechanismTest {
    /** RFC 7628 §4.1's initial client response (^A is %x01). */
    private static final String RFC_7628_4_1 = "n,a=user@example.com,\u0001host=server.example.com\u0001port=143"
            + "\u0001auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\u0001\u0001";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static SaslServerMechanism mechanism() {
        return SaslMechanisms.create(SaslMechanisms.OAUTHBEARER, null, false);
    }

    @Test
    void readsTheTokenAndAuthzidOfRfc7628Section41() {
        SaslStep step = mechanism().start(bytes(RFC_7628_4_1));
        Verification v = assertInstanceOf(SaslStep.NeedVerification.class, step).what();
        Verification.BearerToken t = assertInstanceOf(Verification.BearerToken.class, v);
        assertEquals("vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", t.token());
        assertEquals("user@example.com", t.authzid());
        assertEquals(false, t.toString().contains("vF9dft"), "the token never shows in toString");
    }

    @Test
    void succeedsWithTheVerifiedIdentity() {
        SaslServerMechanism m = mechanism();
        m.start(bytes("n,,\u0001auth=Bearer abc.def.ghi\u0001\u0001"));
        SaslStep.Success ok = assertInstanceOf(SaslStep.Success.class, m.verified(new Verification.Accepted("user")));
        assertEquals("user", ok.username());
    }

    @Test
    void aRefusedTokenGetsTheErrorChallengeThenTheFailureOnceTheClientAcknowledges() {
        SaslServerMechanism m = mechanism();
        m.start(bytes(RFC_7628_4_1));
        SaslStep challenge = m.verified(new Verification.Refused(SaslCondition.CREDENTIALS_EXPIRED, "expired"));
        // RFC 7628 §3.2.2: a JSON status, to which the client answers a single %x01 (§3.2.3).
        assertArrayEquals(bytes("{\"status\":\"invalid_token\",\"schemes\":\"bearer\"}"),
                assertInstanceOf(SaslStep.Challenge.class, challenge).data());
        SaslStep.Failure f = assertInstanceOf(SaslStep.Failure.class, m.respond(new byte[] {1}));
        assertEquals(SaslCondition.CREDENTIALS_EXPIRED, f.condition());
    }

    @Test
    void withoutAnInitialResponseItAsksWithAnEmptyChallenge() {
        SaslServerMechanism m = mechanism();
        assertArrayEquals(new byte[0], assertInstanceOf(SaslStep.Challenge.class, m.start(null)).data());
        assertInstanceOf(SaslStep.NeedVerification.class, m.respond(bytes("n,,\u0001auth=bearer tok\u0001\u0001")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "n,,\u0001auth=Bearer tok\u0001",                  // no final kvsep
        "n,,\u0001host=x\u0001\u0001",                      // no auth pair
        "n,,\u0001auth=Basic dXNlcjpwYXNz\u0001\u0001",     // not a bearer token
        "p=tls-unique,,\u0001auth=Bearer tok\u0001\u0001",  // channel binding
        "x,,\u0001auth=Bearer tok\u0001\u0001",             // bad GS2 flag
        "n,b=x,\u0001auth=Bearer tok\u0001\u0001",          // bad authzid
        "n,,\u0001auth=Bearer to ken\u0001\u0001",          // space inside the token
        "n,,\u0001auth=Bearer a\u0001auth=Bearer b\u0001\u0001",
        "\u0001",
    })
    void refusesMalformedMessages(String message) {
        SaslStep.Failure f = assertInstanceOf(SaslStep.Failure.class, mechanism().start(bytes(message)));
        assertEquals(SaslCondition.MALFORMED_REQUEST, f.condition());
    }

    @Test
    void asksForNoStoredCredentials() {
        SaslServerMechanism m = mechanism();
        m.start(bytes(RFC_7628_4_1));
        assertThrows(IllegalStateException.class, () -> m.credentials(null));
    }

    @Test
    void isAdvertisedFirstOnlyWhenAsked() {
        assertEquals(false, SaslMechanisms.advertised(true, false, true).contains("OAUTHBEARER"));
        assertEquals(java.util.List.of("OAUTHBEARER", "X-OAUTH2"),
                SaslMechanisms.advertised(true, false, true, true).subList(0, 2));
    }

    @Test
    void plainByPlatformAsksForVerificationInsteadOfKeys() {
        SaslServerMechanism m = SaslMechanisms.create("PLAIN", null, false, true);
        Verification.Password p = assertInstanceOf(Verification.Password.class,
                assertInstanceOf(SaslStep.NeedVerification.class, m.start(bytes("\0juliet\0r0m30"))).what());
        assertEquals("juliet", p.username());
        assertEquals("r0m30", p.password());
        assertEquals(false, p.toString().contains("r0m30"));
        assertEquals("juliet", assertInstanceOf(SaslStep.Success.class,
                m.verified(new Verification.Accepted("juliet"))).username());
        SaslServerMechanism refused = SaslMechanisms.create("PLAIN", null, false, true);
        refused.start(bytes("\0juliet\0wrong"));
        assertEquals(SaslCondition.TEMPORARY_AUTH_FAILURE, assertInstanceOf(SaslStep.Failure.class,
                refused.verified(new Verification.Refused(SaslCondition.TEMPORARY_AUTH_FAILURE, "t"))).condition());
    }

    @Test
    void xOAuth2CarriesTheTokenInPlainsFramingAndNamesItsUser() {
        SaslServerMechanism m = SaslMechanisms.create(SaslMechanisms.X_OAUTH2, null, false);
        Verification.BearerToken t = assertInstanceOf(Verification.BearerToken.class,
                assertInstanceOf(SaslStep.NeedVerification.class, m.start(bytes("\0juliet\0ya29.token"))).what());
        assertEquals("ya29.token", t.token());
        assertEquals("juliet", t.authzid());
        assertEquals("juliet", assertInstanceOf(SaslStep.Success.class,
                m.verified(new Verification.Accepted("juliet"))).username());
        SaslServerMechanism refused = SaslMechanisms.create(SaslMechanisms.X_OAUTH2, null, false);
        refused.start(bytes("\0juliet\0bad"));
        // No error challenge in X-OAUTH2: the failure comes at once.
        assertEquals(SaslCondition.CREDENTIALS_EXPIRED, assertInstanceOf(SaslStep.Failure.class,
                refused.verified(new Verification.Refused(SaslCondition.CREDENTIALS_EXPIRED, "x"))).condition());
        assertEquals(SaslCondition.MALFORMED_REQUEST, assertInstanceOf(SaslStep.Failure.class,
                SaslMechanisms.create(SaslMechanisms.X_OAUTH2, null, false).start(bytes("juliet"))).condition());
        assertEquals(SaslCondition.INVALID_AUTHZID, assertInstanceOf(SaslStep.Failure.class,
                SaslMechanisms.create(SaslMechanisms.X_OAUTH2, null, false).start(bytes("romeo\0juliet\0t")))
                .condition());
    }
}
