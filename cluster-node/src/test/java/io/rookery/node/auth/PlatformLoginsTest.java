package io.rookery.node.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.protocol.sasl.SaslCondition;
import io.rookery.protocol.sasl.Verification;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JWT logins with keys from a JWK file, from token to verdict: the identity, the domain, the authzid. */
class PlatformLoginsTest {
    private static KeyPair key;
    private static PlatformLogins logins;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        key = g.generateKeyPair();
        RSAPublicKey p = (RSAPublicKey) key.getPublic();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"n\":\"" + b64(unsigned(p.getModulus()))
                + "\",\"e\":\"" + b64(unsigned(p.getPublicExponent())) + "\"}]}");
        PlatformLoginSettings s = PlatformLoginSettings.from(ConfigFactory.parseMap(Map.of(
                "rookery.auth.jwt.enabled", true, "rookery.auth.jwt.jwks-file", jwks.toString(),
                "rookery.auth.jwt.audience", "xmpp")).withFallback(ConfigFactory.load()));
        logins = PlatformLogins.start(s, "example.com", new PrometheusRegistry());
    }

    @AfterAll
    static void stop() {
        if (logins != null) logins.close();
    }

    private static Verification.Verdict verdict(String sub, long exp, String authzid) throws Exception {
        return logins.verify(new Verification.BearerToken(token(sub, exp), authzid)).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    private static long inAnHour() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    @Test
    void aBareJidOrALocalpartNamesTheUser() throws Exception {
        assertEquals("alice", assertInstanceOf(Verification.Accepted.class,
                verdict("alice@example.com", inAnHour(), null)).username());
        assertEquals("bob", assertInstanceOf(Verification.Accepted.class, verdict("bob", inAnHour(), null))
                .username());
        assertTrue(logins.jwtEnabled());
        assertFalse(logins.calloutEnabled());
    }

    @Test
    void aJidOfAnotherDomainOrWithAResourceIsRefused() throws Exception {
        assertEquals(SaslCondition.NOT_AUTHORIZED, assertInstanceOf(Verification.Refused.class,
                verdict("alice@elsewhere.org", inAnHour(), null)).condition());
        assertEquals(SaslCondition.NOT_AUTHORIZED, assertInstanceOf(Verification.Refused.class,
                verdict("alice@example.com/phone", inAnHour(), null)).condition());
    }

    @Test
    void anExpiredTokenIsCredentialsExpired() throws Exception {
        assertEquals(SaslCondition.CREDENTIALS_EXPIRED, assertInstanceOf(Verification.Refused.class,
                verdict("alice", 1000, null)).condition());
    }

    @Test
    void theAuthzidMustBeTheTokensUser() throws Exception {
        assertInstanceOf(Verification.Accepted.class, verdict("alice", inAnHour(), "alice@example.com"));
        assertInstanceOf(Verification.Accepted.class, verdict("alice", inAnHour(), "alice"));
        assertEquals(SaslCondition.INVALID_AUTHZID, assertInstanceOf(Verification.Refused.class,
                verdict("alice", inAnHour(), "admin@example.com")).condition());
    }

    @Test
    void aPasswordIsRefusedWhenTheCalloutIsOff() throws Exception {
        assertEquals(SaslCondition.NOT_AUTHORIZED, assertInstanceOf(Verification.Refused.class,
                logins.verify(new Verification.Password("alice", "pw")).toCompletableFuture().get()).condition());
    }

    @Test
    void anUnreadableJwkFileFailsTheStart() {
        PlatformLoginSettings s = PlatformLoginSettings.from(ConfigFactory.parseMap(Map.of(
                "rookery.auth.jwt.enabled", true, "rookery.auth.jwt.jwks-file", "/nonexistent/jwks.json",
                "rookery.auth.jwt.audience", "xmpp")).withFallback(ConfigFactory.load()));
        assertThrows(IllegalArgumentException.class, () -> PlatformLogins.start(s, "example.com",
                new PrometheusRegistry()));
    }

    @Test
    void offOffersNothing() {
        PlatformLogins off = PlatformLogins.off();
        assertFalse(off.jwtEnabled());
        assertFalse(off.calloutEnabled());
    }

    private static String token(String sub, long exp) throws Exception {
        String h = b64("{\"alg\":\"RS256\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
        String c = b64(("{\"sub\":\"" + sub + "\",\"aud\":\"xmpp\",\"exp\":" + exp + "}")
                .getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key.getPrivate());
        s.update((h + "." + c).getBytes(StandardCharsets.US_ASCII));
        return h + "." + c + "." + b64(s.sign());
    }

    private static byte[] unsigned(BigInteger i) {
        byte[] b = i.toByteArray();
        return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
