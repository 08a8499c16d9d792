package io.rookery.protocol.sasl.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final long IN_AN_HOUR = NOW.getEpochSecond() + 3600;
    private static final String AUD = "xmpp.example";
    private static KeyPair rsa;
    private static KeyPair ec;
    private static KeyPair stranger;
    private static JwtVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        rsa = TestJwts.rsa();
        ec = TestJwts.ec();
        stranger = TestJwts.rsa();
        JwkSet set = JwkSet.parse(TestJwts.jwks(TestJwts.jwk("r1", rsa), TestJwts.jwk("e1", ec)));
        verifier = verifier(set, null, Set.of("RS256", "ES256"));
    }

    private static JwtVerifier verifier(JwkSet set, byte[] secret, Set<String> algs) {
        return new JwtVerifier(set, secret, algs, "https://platform.example", AUD, "sub", Duration.ofSeconds(30),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static void assertRefused(JwtVerifier.Reason reason, JwtVerifier.Result r) {
        assertEquals(reason, assertInstanceOf(JwtVerifier.Invalid.class, r).reason());
    }

    @Test
    void acceptsAnRs256TokenAndReturnsItsSubject() throws Exception {
        String t = TestJwts.sign("RS256", "r1", rsa.getPrivate(), TestJwts.claims("alice@localhost", AUD, IN_AN_HOUR));
        assertEquals("alice@localhost", assertInstanceOf(JwtVerifier.Valid.class, verifier.verify(t)).identity());
    }

    @Test
    void acceptsAnEs256TokenWithoutAKeyIdWhenOneKeyFits() throws Exception {
        String t = TestJwts.sign("ES256", null, ec.getPrivate(), TestJwts.claims("bob", AUD, IN_AN_HOUR));
        assertEquals("bob", assertInstanceOf(JwtVerifier.Valid.class, verifier.verify(t)).identity());
    }

    @Test
    void refusesATokenSignedByAnotherKey() throws Exception {
        String t = TestJwts.sign("RS256", "r1", stranger.getPrivate(), TestJwts.claims("alice", AUD, IN_AN_HOUR));
        assertRefused(JwtVerifier.Reason.BAD_SIGNATURE, verifier.verify(t));
    }

    @Test
    void refusesATokenWhoseClaimsWereChangedAfterSigning() throws Exception {
        String t = TestJwts.sign("RS256", "r1", rsa.getPrivate(), TestJwts.claims("alice", AUD, IN_AN_HOUR));
        String[] p = t.split("\\.");
        String forged = p[0] + "." + TestJwts.b64(TestJwts.claims("admin", AUD, IN_AN_HOUR)
                .getBytes(StandardCharsets.UTF_8)) + "." + p[2];
        assertRefused(JwtVerifier.Reason.BAD_SIGNATURE, verifier.verify(forged));
    }

    @Test
    void refusesAnExpiredTokenOnlyOnceTheClockSkewHasPassed() throws Exception {
        long exp = NOW.getEpochSecond() - 10;
        String within = TestJwts.sign("RS256", "r1", rsa.getPrivate(), TestJwts.claims("alice", AUD, exp));
        assertInstanceOf(JwtVerifier.Valid.class, verifier.verify(within));
        String expired = TestJwts.sign("RS256", "r1", rsa.getPrivate(),
                TestJwts.claims("alice", AUD, NOW.getEpochSecond() - 31));
        assertRefused(JwtVerifier.Reason.EXPIRED, verifier.verify(expired));
    }

    @Test
    void refusesAnExpiredTokenWithABadSignatureAsABadSignature() throws Exception {
        String t = TestJwts.sign("RS256", "r1", stranger.getPrivate(), TestJwts.claims("alice", AUD, 1));
        assertRefused(JwtVerifier.Reason.BAD_SIGNATURE, verifier.verify(t));
    }

    @Test
    void refusesATokenForAnotherAudience() throws Exception {
        String t = TestJwts.sign("RS256", "r1", rsa.getPrivate(), TestJwts.claims("alice", "other", IN_AN_HOUR));
        assertRefused(JwtVerifier.Reason.WRONG_AUDIENCE, verifier.verify(t));
        String list = "{\"sub\":\"alice\",\"aud\":[\"other\",\"" + AUD + "\"],\"iss\":\"https://platform.example\","
                + "\"exp\":" + IN_AN_HOUR + "}";
        assertInstanceOf(JwtVerifier.Valid.class,
                verifier.verify(TestJwts.sign("RS256", "r1", rsa.getPrivate(), list)));
    }

    @Test
    void refusesAnotherIssuerAndATokenNotYetValid() throws Exception {
        String iss = "{\"sub\":\"a\",\"aud\":\"" + AUD + "\",\"iss\":\"https://evil\",\"exp\":" + IN_AN_HOUR + "}";
        assertRefused(JwtVerifier.Reason.WRONG_ISSUER, verifier.verify(TestJwts.sign("RS256", "r1", rsa.getPrivate(), iss)));
        String nbf = "{\"sub\":\"a\",\"aud\":\"" + AUD + "\",\"iss\":\"https://platform.example\",\"exp\":"
                + IN_AN_HOUR + ",\"nbf\":" + (NOW.getEpochSecond() + 600) + "}";
        assertRefused(JwtVerifier.Reason.NOT_YET_VALID,
                verifier.verify(TestJwts.sign("RS256", "r1", rsa.getPrivate(), nbf)));
    }

    @Test
    void refusesAlgNoneWhateverTheTokenSays() {
        assertRefused(JwtVerifier.Reason.ALGORITHM_REFUSED,
                verifier.verify(TestJwts.unsigned("none", TestJwts.claims("alice", AUD, IN_AN_HOUR))));
        assertRefused(JwtVerifier.Reason.ALGORITHM_REFUSED,
                verifier.verify(TestJwts.unsigned("NONE", TestJwts.claims("alice", AUD, IN_AN_HOUR))));
    }

    @Test
    void refusesAnUnknownKeyId() throws Exception {
        String t = TestJwts.sign("RS256", "r9", rsa.getPrivate(), TestJwts.claims("alice", AUD, IN_AN_HOUR));
        assertRefused(JwtVerifier.Reason.UNKNOWN_KEY, verifier.verify(t));
    }

    @Test
    void neverUsesAPublicKeyAsAnHmacSecret() throws Exception {
        // The classic confusion: HS256 "signed" with the RSA public key bytes; refused without a configured secret.
        String t = TestJwts.hs256(rsa.getPublic().getEncoded(), TestJwts.claims("alice", AUD, IN_AN_HOUR));
        assertRefused(JwtVerifier.Reason.ALGORITHM_REFUSED, verifier.verify(t));
        JwtVerifier withHs = verifier(JwkSet.parse(TestJwts.jwks(TestJwts.jwk("r1", rsa))), null,
                Set.of("RS256", "HS256"));
        assertRefused(JwtVerifier.Reason.ALGORITHM_REFUSED, withHs.verify(t));
    }

    @Test
    void acceptsHs256OnlyWithTheConfiguredSecret() throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        JwtVerifier hs = verifier(JwkSet.EMPTY, secret, Set.of("HS256"));
        assertInstanceOf(JwtVerifier.Valid.class,
                hs.verify(TestJwts.hs256(secret, TestJwts.claims("alice", AUD, IN_AN_HOUR))));
        assertRefused(JwtVerifier.Reason.BAD_SIGNATURE,
                hs.verify(TestJwts.hs256(new byte[32], TestJwts.claims("alice", AUD, IN_AN_HOUR))));
    }

    @Test
    void refusesAnAlgorithmNotConfiguredEvenWithAFittingKey() throws Exception {
        JwtVerifier rsOnly = verifier(JwkSet.parse(TestJwts.jwks(TestJwts.jwk("e1", ec))), null, Set.of("RS256"));
        String t = TestJwts.sign("ES256", "e1", ec.getPrivate(), TestJwts.claims("alice", AUD, IN_AN_HOUR));
        assertRefused(JwtVerifier.Reason.ALGORITHM_REFUSED, rsOnly.verify(t));
    }

    @Test
    void refusesMalformedTokensAndMissingClaims() throws Exception {
        assertRefused(JwtVerifier.Reason.MALFORMED, verifier.verify("a.b"));
        assertRefused(JwtVerifier.Reason.MALFORMED, verifier.verify("!!.??.**"));
        String noExp = "{\"sub\":\"a\",\"aud\":\"" + AUD + "\",\"iss\":\"https://platform.example\"}";
        assertRefused(JwtVerifier.Reason.MALFORMED, verifier.verify(TestJwts.sign("RS256", "r1", rsa.getPrivate(), noExp)));
        String noSub = "{\"aud\":\"" + AUD + "\",\"iss\":\"https://platform.example\",\"exp\":" + IN_AN_HOUR + "}";
        assertRefused(JwtVerifier.Reason.NO_IDENTITY,
                verifier.verify(TestJwts.sign("RS256", "r1", rsa.getPrivate(), noSub)));
    }

    @Test
    void refusesAnUnsupportedAlgorithmInTheConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> verifier(JwkSet.EMPTY, null, Set.of("none")));
    }

    @Test
    void jsonRefusesDuplicatesDeepNestingAndTrailingGarbage() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"alg\":\"RS256\",\"alg\":\"none\"}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(40) + "]".repeat(40)));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
        assertEquals(java.util.Map.of("a", java.util.List.of(1.0, "é", true)),
                Json.parse("{\"a\":[1,\"\\u00e9\",true]}"));
    }

    @Test
    void jwkSetSkipsEncryptionAndUnknownKeys() throws Exception {
        String enc = "{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";
        JwkSet set = JwkSet.parse(TestJwts.jwks(enc, "{\"kty\":\"oct\",\"k\":\"AAAA\"}", TestJwts.jwk("r1", rsa)));
        assertEquals(1, set.keys().size());
        assertEquals("r1", set.keys().get(0).kid());
    }
}
