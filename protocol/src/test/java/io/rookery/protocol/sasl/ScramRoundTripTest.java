package io.rookery.protocol.sasl;

import static io.rookery.protocol.sasl.ScramVectorTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ScramRoundTripTest {
    static final byte[] END_POINT = "certificate hash of this connection".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void authenticatesWithoutChannelBinding(String name) {
        SaslStep result = Scram.run(name, null, false, "juliet", "r0m30", "r0m30", "n,,", null);
        assertSuccess(result, "juliet");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS"})
    void authenticatesWithTlsServerEndPointBinding(String name) {
        SaslStep result = Scram.run(name, END_POINT, true, "juliet", "r0m30", "r0m30",
                "p=tls-server-end-point,,", END_POINT);
        assertSuccess(result, "juliet");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-1", "SCRAM-SHA-512-PLUS"})
    void acceptsAnAuthzidEqualToTheUsername(String name) {
        boolean plus = name.endsWith("-PLUS");
        String header = plus ? "p=tls-server-end-point,a=juliet," : "n,a=juliet,";
        SaslStep result = Scram.run(name, END_POINT, true, "juliet", "r0m30", "r0m30", header,
                plus ? END_POINT : null);
        assertSuccess(result, "juliet");
    }

    @Test
    void acceptsTheYFlagWhenPlusWasNotAdvertised() {
        assertSuccess(Scram.run("SCRAM-SHA-256", null, false, "juliet", "pw", "pw", "y,,", null), "juliet");
    }

    @Test
    void decodesEscapedCommaAndEqualsInTheUsername() {
        assertSuccess(Scram.run("SCRAM-SHA-256", null, false, "a,b=c", "pw", "pw", "n,,", null), "a,b=c");
    }

    @Test
    void saslPrepsUserNameAndPassword() {
        // RFC 4013 §3: SOFT HYPHEN maps to nothing, so "I<SHY>X" and "IX" are the same string.
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_256, "us\u00ADer", "I\u00ADX", "n,,", null, "abc");
        SaslServerMechanism server = SaslMechanisms.create("SCRAM-SHA-256", null, false);
        assertEquals(new SaslStep.NeedCredentials("user"), server.start(client.clientFirst()));
        ScramCredentials stored = ScramCredentials.generate(ScramHash.SHA_256, "IX");
        byte[] serverFirst = ((SaslStep.Challenge) server.credentials(stored)).data();
        assertSuccess(server.respond(client.clientFinal(serverFirst)), "user");
    }

    @Test
    void asksForTheClientFirstMessageWhenThereIsNoInitialResponse() {
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_1, "juliet", "pw", "n,,", null, "abc");
        SaslServerMechanism server = SaslMechanisms.create("SCRAM-SHA-1", null, false);
        SaslStep first = server.start(null);
        assertEquals(0, assertInstanceOf(SaslStep.Challenge.class, first).data().length);
        assertEquals(new SaslStep.NeedCredentials("juliet"), server.respond(client.clientFirst()));
        byte[] serverFirst = ((SaslStep.Challenge) server.credentials(
                ScramCredentials.generate(ScramHash.SHA_1, "pw"))).data();
        assertSuccess(server.respond(client.clientFinal(serverFirst)), "juliet");
    }

    @Test
    void serverNonceIsFreshPrintableAndExtendsTheClientNonce() {
        String a = Scram.serverFirst("SCRAM-SHA-256", "cnonce");
        String b = Scram.serverFirst("SCRAM-SHA-256", "cnonce");
        String nonceA = a.substring(2, a.indexOf(','));
        String nonceB = b.substring(2, b.indexOf(','));
        assertTrue(nonceA.startsWith("cnonce"));
        assertTrue(nonceA.length() - "cnonce".length() >= 24, nonceA);
        assertTrue(SaslText.isPrintable(nonceA), nonceA);
        assertNotEquals(nonceA, nonceB);
    }

    static void assertSuccess(SaslStep result, String user) {
        SaslStep.Success success = assertInstanceOf(SaslStep.Success.class, result, () -> result.toString());
        assertEquals(user, success.username());
        assertTrue(text(success.additionalData()).startsWith("v="));
    }
}
