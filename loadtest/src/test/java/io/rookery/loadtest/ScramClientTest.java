package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.sasl.SaslMechanisms;
import io.rookery.protocol.sasl.SaslServerMechanism;
import io.rookery.protocol.sasl.SaslStep;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SCRAM client against the RFC examples (fixed client nonce) and against the protocol module's server side. */
class ScramClientTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void reproducesTheRfc5802ScramSha1Exchange(boolean cache) throws Exception {
        ScramClient c = new ScramClient(ScramHash.SHA_1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL", cache);

        assertEquals("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", text(c.clientFirst()));
        byte[] clientFinal = c.clientFinal(
                ascii("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
        assertEquals("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
                text(clientFinal));
        assertTrue(c.verifyServerFinal(ascii("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")));
        assertTrue(c.verified());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void reproducesTheRfc7677ScramSha256Exchange(boolean cache) throws Exception {
        ScramClient c = new ScramClient(ScramHash.SHA_256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO", cache);

        assertEquals("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", text(c.clientFirst()));
        byte[] clientFinal = c.clientFinal(ascii(
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertEquals("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", text(clientFinal));
        assertTrue(c.verifyServerFinal(ascii("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
    }

    @Test
    void refusesAServerSignatureThatDoesNotMatch() throws Exception {
        ScramClient c = new ScramClient(ScramHash.SHA_1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL", false);
        c.clientFinal(ascii("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));

        assertFalse(c.verifyServerFinal(ascii("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
        assertFalse(c.verifyServerFinal(ascii("e=other-error")));
        assertFalse(c.verified());
    }

    @Test
    void refusesAServerNonceThatDoesNotExtendTheClientNonce() {
        ScramClient c = new ScramClient(ScramHash.SHA_256, "user", "pencil", "abc", false);

        assertThrows(ScramClient.ScramException.class, () -> c.clientFinal(ascii("r=xyz123,s=QSXCR+Q6sek8bf92,i=4096")));
        assertThrows(ScramClient.ScramException.class, () -> c.clientFinal(ascii("r=abc,s=QSXCR+Q6sek8bf92,i=4096")));
        assertThrows(ScramClient.ScramException.class, () -> c.clientFinal(ascii("r=abcd,s=QSXCR+Q6sek8bf92")));
        assertThrows(ScramClient.ScramException.class, () -> c.clientFinal(ascii("m=ext,r=abcd,s=QQ==,i=1")));
    }

    @Test
    void escapesCommaAndEqualsInTheUserName() {
        assertEquals("a=2Cb=3Dc", ScramClient.saslName("a,b=c"));
        ScramClient c = new ScramClient(ScramHash.SHA_256, "a,b", "pencil", "n0nce", false);
        assertEquals("n,,n=a=2Cb,r=n0nce", text(c.clientFirst()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-1", "SCRAM-SHA-256"})
    void logsInWithTheProtocolModulesServerSide(String mechanism) throws Exception {
        ScramHash hash = SaslMechanisms.hashFor(mechanism);
        ScramCredentials stored = ScramCredentials.derive(hash, "s3cret", "0123456789abcdef".getBytes(), 4096);
        SaslServerMechanism server = SaslMechanisms.create(mechanism, null, false);
        ScramClient client = new ScramClient(hash, "load7", "s3cret", "clientnonce", true);

        assertEquals(new SaslStep.NeedCredentials("load7"), server.start(client.clientFirst()));
        SaslStep.Challenge first = assertInstanceOf(SaslStep.Challenge.class, server.credentials(stored));
        SaslStep.Success ok = assertInstanceOf(SaslStep.Success.class,
                server.respond(client.clientFinal(first.data())));
        assertTrue(client.verifyServerFinal(ok.additionalData()));
    }

    @Test
    void aWrongPasswordIsRefusedByTheServerSide() throws Exception {
        ScramCredentials stored = ScramCredentials.derive(ScramHash.SHA_256, "right", "salt-salt-salt!!".getBytes(), 4096);
        SaslServerMechanism server = SaslMechanisms.create("SCRAM-SHA-256", null, false);
        ScramClient client = new ScramClient(ScramHash.SHA_256, "load7", "wrong", "clientnonce", false);

        server.start(client.clientFirst());
        SaslStep.Challenge first = assertInstanceOf(SaslStep.Challenge.class, server.credentials(stored));
        assertInstanceOf(SaslStep.Failure.class, server.respond(client.clientFinal(first.data())));
    }

    @Test
    void theKeyCacheGivesTheSameProofAsAFreshDerivation() throws Exception {
        String serverFirst = "r=nonceSERVER,s=QSXCR+Q6sek8bf92,i=4096";
        byte[] fresh = new ScramClient(ScramHash.SHA_256, "u", "p", "nonce", false).clientFinal(ascii(serverFirst));
        byte[] cached1 = new ScramClient(ScramHash.SHA_256, "u", "p", "nonce", true).clientFinal(ascii(serverFirst));
        byte[] cached2 = new ScramClient(ScramHash.SHA_256, "u", "p", "nonce", true).clientFinal(ascii(serverFirst));
        assertArrayEquals(fresh, cached1);
        assertArrayEquals(fresh, cached2);
        byte[] otherPassword = new ScramClient(ScramHash.SHA_256, "u", "q", "nonce", true)
                .clientFinal(ascii(serverFirst));
        assertFalse(java.util.Arrays.equals(fresh, otherPassword));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
