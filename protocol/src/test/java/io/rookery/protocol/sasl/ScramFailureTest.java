package io.rookery.protocol.sasl;

import static io.rookery.protocol.sasl.ScramVectorTest.ascii;
import static io.rookery.protocol.sasl.ScramVectorTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramFailureTest {
    static final byte[] END_POINT = ScramRoundTripTest.END_POINT;

    @Test
    void refusesAWrongPassword() {
        SaslStep result = Scram.run("SCRAM-SHA-256", null, false, "juliet", "r0m30", "wrong", "n,,", null);
        assertFailure(SaslCondition.NOT_AUTHORIZED, result);
    }

    @Test
    void refusesAnUnknownUserOnlyAtTheEndAndAsIfThePasswordWereWrong() {
        SaslStep unknown = Scram.run("SCRAM-SHA-256", null, false, "nobody", null, "pw", "n,,", null);
        SaslStep wrong = Scram.run("SCRAM-SHA-256", null, false, "juliet", "r0m30", "pw", "n,,", null);
        assertFailure(SaslCondition.NOT_AUTHORIZED, unknown);
        assertEquals(wrong, unknown);
    }

    @Test
    void answersAnUnknownUserWithAStableRealisticSalt() {
        String first = unknownUserServerFirst("nobody");
        String second = unknownUserServerFirst("nobody");
        String other = unknownUserServerFirst("somebody");
        String salt = first.substring(first.indexOf(",s=") + 3, first.indexOf(",i="));
        assertEquals(salt, second.substring(second.indexOf(",s=") + 3, second.indexOf(",i=")));
        assertEquals(ScramCredentials.DEFAULT_SALT_BYTES, Base64.getDecoder().decode(salt).length);
        assertEquals(",i=" + ScramCredentials.DEFAULT_ITERATIONS, first.substring(first.indexOf(",i=")));
        assertEquals(false, other.contains(",s=" + salt + ","));
    }

    @Test
    void serversSharingTheUnknownUserSecretAnswerAnUnknownUserWithTheSameSalt() {
        byte[] shared = new byte[32];
        java.util.Arrays.fill(shared, (byte) 7);
        SaslMechanisms.useUnknownUserSecret(shared);
        String first = unknownUserServerFirst("nobody");
        byte[] other = shared.clone();
        other[0] = 8;
        SaslMechanisms.useUnknownUserSecret(other);
        String withOther = unknownUserServerFirst("nobody");
        SaslMechanisms.useUnknownUserSecret(shared.clone());
        String again = unknownUserServerFirst("nobody");

        String salt = first.substring(first.indexOf(",s=") + 3, first.indexOf(",i="));
        assertEquals(salt, again.substring(again.indexOf(",s=") + 3, again.indexOf(",i=")));
        assertEquals(false, withOther.contains(",s=" + salt + ","));
        assertThrows(IllegalArgumentException.class, () -> SaslMechanisms.useUnknownUserSecret(new byte[8]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS"})
    void refusesChannelBindingDataOfAnotherConnection(String name) {
        byte[] mitm = "certificate hash the client saw".getBytes(StandardCharsets.US_ASCII);
        SaslStep result = Scram.run(name, END_POINT, true, "juliet", "pw", "pw", "p=tls-server-end-point,,", mitm);
        assertFailure(SaslCondition.NOT_AUTHORIZED, result);
    }

    @Test
    void refusesTheYFlagWhenPlusWasAdvertised() {
        // RFC 5802 §6: the client could bind but saw no -PLUS offer, so the offer was stripped on the way.
        SaslStep result = Scram.run("SCRAM-SHA-256", null, true, "juliet", "pw", "pw", "y,,", null);
        assertFailure(SaslCondition.NOT_AUTHORIZED, result);
    }

    @Test
    void refusesChannelBindingOnAMechanismWithoutPlus() {
        SaslStep result = Scram.run("SCRAM-SHA-256", null, true, "juliet", "pw", "pw",
                "p=tls-server-end-point,,", END_POINT);
        assertFailure(SaslCondition.MALFORMED_REQUEST, result);
    }

    @ParameterizedTest
    @ValueSource(strings = {"n,,", "y,,", "p=tls-unique,,", "p=tls-exporter,,"})
    void refusesAPlusMechanismWithoutTlsServerEndPointBinding(String header) {
        SaslStep result = Scram.run("SCRAM-SHA-256-PLUS", END_POINT, true, "juliet", "pw", "pw", header, END_POINT);
        assertFailure(SaslCondition.MALFORMED_REQUEST, result);
    }

    @Test
    void refusesAnAuthzidOtherThanTheUsername() {
        SaslStep result = Scram.run("SCRAM-SHA-256", null, false, "juliet", "pw", "pw", "n,a=romeo,", null);
        assertFailure(SaslCondition.INVALID_AUTHZID, result);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                   // nothing
        "n,n=user,r=abc",                     // no authzid field
        "x,,n=user,r=abc",                    // unknown cbind flag
        "n,b=user,n=user,r=abc",              // authzid field without a=
        "n,a=,n=user,r=abc",                  // empty authzid
        "n,,m=ext,n=user,r=abc",              // mandatory extension
        "n,,r=abc,n=user",                    // attributes out of order
        "n,,n=user",                          // no nonce
        "n,,n=,r=abc",                        // empty username
        "n,,n=us=2Xer,r=abc",                 // '=' not followed by 2C or 3D
        "n,,n=user,r=",                       // empty nonce
        "n,,n=user,r=a b",                    // nonce with a space
        "n,,n=user,r=abc,",                   // empty extension
        "n,,n=user,r=abc,xyz",                // extension without '='
        "n,,n=us\u0007er,r=abc",              // SASLprep forbids controls
    })
    void refusesAMalformedClientFirstMessage(String message) {
        SaslServerMechanism server = SaslMechanisms.create("SCRAM-SHA-256", null, false);
        assertFailure(SaslCondition.MALFORMED_REQUEST, server.start(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesAClientFirstMessageThatIsNotUtf8() {
        SaslServerMechanism server = SaslMechanisms.create("SCRAM-SHA-1", null, false);
        byte[] bad = {'n', ',', ',', 'n', '=', (byte) 0xC3, (byte) 0x28, ',', 'r', '=', 'a'};
        assertFailure(SaslCondition.MALFORMED_REQUEST, server.start(bad));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "c=biws,r=NONCE",                      // no proof
        "r=NONCE,c=biws,p=PROOF",              // out of order
        "c=biws,p=PROOF",                      // no nonce
        "c=b!ws,r=NONCE,p=PROOF",              // bad base64 in c=
        "c=biws,r=NONCE,p=####",               // bad base64 in p=
        "c=biws,r=NONCE,p=AAAA",               // proof of the wrong length
        "c=biws,r=NONCE,,p=PROOF",             // empty extension
    })
    void refusesAMalformedClientFinalMessage(String template) {
        SaslServerMechanism server = SaslMechanisms.create("SCRAM-SHA-1", null, false);
        server.start(ascii("n,,n=user,r=abc"));
        String serverFirst = text(((SaslStep.Challenge) server.credentials(
                ScramCredentials.generate(ScramHash.SHA_1, "pw"))).data());
        String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
        String proof = Base64.getEncoder().encodeToString(new byte[20]);
        String message = template.replace("NONCE", nonce).replace("PROOF", proof);
        assertFailure(SaslCondition.MALFORMED_REQUEST, server.respond(ascii(message)));
    }

    @Test
    void refusesAClientFinalMessageWithAnotherNonce() {
        ScramHash hash = ScramHash.SHA_256;
        ScramTestClient client = new ScramTestClient(hash, "juliet", "pw", "n,,", null, "abc");
        SaslServerMechanism server = SaslMechanisms.create("SCRAM-SHA-256", null, false);
        server.start(client.clientFirst());
        byte[] serverFirst = ((SaslStep.Challenge) server.credentials(ScramCredentials.generate(hash, "pw"))).data();
        // The client signs the nonce it saw; both the nonce check and the proof (which covers it) refuse it.
        String forged = text(serverFirst).replaceFirst("r=abc", "r=abcX");
        byte[] clientFinal = client.clientFinal(ascii(forged));
        assertFailure(SaslCondition.NOT_AUTHORIZED, server.respond(clientFinal));
    }

    @Test
    void refusesResponsesAfterTheExchangeEnded() {
        ScramHash hash = ScramHash.SHA_1;
        ScramTestClient client = new ScramTestClient(hash, "juliet", "pw", "n,,", null, "abc");
        SaslServerMechanism server = SaslMechanisms.create("SCRAM-SHA-1", null, false);
        server.start(client.clientFirst());
        byte[] serverFirst = ((SaslStep.Challenge) server.credentials(ScramCredentials.generate(hash, "pw"))).data();
        byte[] clientFinal = client.clientFinal(serverFirst);
        assertInstanceOf(SaslStep.Success.class, server.respond(clientFinal));
        assertFailure(SaslCondition.MALFORMED_REQUEST, server.respond(clientFinal));
    }

    @Test
    void refusesAResponseWhileWaitingForCredentials() {
        SaslServerMechanism server = SaslMechanisms.create("SCRAM-SHA-1", null, false);
        server.start(ascii("n,,n=user,r=abc"));
        assertFailure(SaslCondition.MALFORMED_REQUEST, server.respond(ascii("c=biws")));
    }

    @Test
    void rejectsCallerMistakes() {
        SaslServerMechanism server = SaslMechanisms.create("SCRAM-SHA-1", null, false);
        assertThrows(IllegalStateException.class, () -> server.credentials(null));
        server.start(ascii("n,,n=user,r=abc"));
        assertThrows(IllegalStateException.class, () -> server.start(ascii("n,,n=user,r=abc")));
        ScramCredentials sha256 = ScramCredentials.generate(ScramHash.SHA_256, "pw");
        assertThrows(IllegalArgumentException.class, () -> server.credentials(sha256));
    }

    private static String unknownUserServerFirst(String user) {
        SaslServerMechanism server = SaslMechanisms.create("SCRAM-SHA-256", null, false);
        server.start(ascii("n,,n=" + user + ",r=abc"));
        return text(((SaslStep.Challenge) server.credentials(null)).data());
    }

    static void assertFailure(SaslCondition expected, SaslStep step) {
        SaslStep.Failure failure = assertInstanceOf(SaslStep.Failure.class, step, () -> String.valueOf(step));
        assertEquals(expected, failure.condition(), failure.text());
    }
}
