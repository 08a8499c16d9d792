package io.rookery.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The server driven with the client messages of the RFC examples must answer with the RFC's server messages. */
class ScramVectorTest {

    @Test
    void reproducesTheRfc5802ScramSha1Exchange() {
        runVector(ScramHash.SHA_1, "3rfcNHYJY1ZVvWVs7j", "QSXCR+Q6sek8bf92",
                "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
                "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
                "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
                "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
    }

    @Test
    void reproducesTheRfc7677ScramSha256Exchange() {
        runVector(ScramHash.SHA_256, "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", "W22ZaJ0SNY7soEsUEjb6gQ==",
                "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
                "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    private static void runVector(ScramHash hash, String serverNonce, String salt, String clientFirst,
            String serverFirst, String clientFinal, String serverFinal) {
        ScramCredentials stored = ScramCredentials.derive(hash, "pencil", Base64.getDecoder().decode(salt), 4096);
        ScramServerMechanism server = new ScramServerMechanism(hash, null, false, () -> serverNonce);

        SaslStep need = server.start(ascii(clientFirst));
        assertEquals(new SaslStep.NeedCredentials("user"), need);
        SaslStep challenge = server.credentials(stored);
        assertEquals(serverFirst, text(assertInstanceOf(SaslStep.Challenge.class, challenge).data()));
        SaslStep done = server.respond(ascii(clientFinal));
        SaslStep.Success success = assertInstanceOf(SaslStep.Success.class, done);
        assertEquals("user", success.username());
        assertArrayEquals(ascii(serverFinal), success.additionalData());
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
