package io.rookery.protocol.sasl;

import static io.rookery.protocol.sasl.ScramFailureTest.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainMechanismTest {

    @Test
    void authenticatesAgainstStoredScramKeys() {
        SaslStep result = login("\0juliet\0r0m30", ScramCredentials.generate(ScramHash.SHA_256, "r0m30"));
        SaslStep.Success success = assertInstanceOf(SaslStep.Success.class, result);
        assertEquals("juliet", success.username());
        assertNull(success.additionalData());
    }

    @Test
    void checksAgainstWhicheverHashTheCallerPasses() {
        assertInstanceOf(SaslStep.Success.class,
                login("\0juliet\0r0m30", ScramCredentials.generate(ScramHash.SHA_512, "r0m30")));
    }

    @Test
    void refusesAWrongPassword() {
        assertFailure(SaslCondition.NOT_AUTHORIZED,
                login("\0juliet\0wrong", ScramCredentials.generate(ScramHash.SHA_256, "r0m30")));
    }

    @Test
    void refusesAnUnknownUserAsIfThePasswordWereWrong() {
        SaslStep unknown = login("\0nobody\0pw", null);
        assertFailure(SaslCondition.NOT_AUTHORIZED, unknown);
        assertEquals(login("\0juliet\0pw", ScramCredentials.generate(ScramHash.SHA_256, "other")), unknown);
    }

    @Test
    void acceptsAnAuthzidEqualToTheUsername() {
        assertInstanceOf(SaslStep.Success.class,
                login("juliet\0juliet\0pw", ScramCredentials.generate(ScramHash.SHA_256, "pw")));
    }

    @Test
    void refusesAnAuthzidOtherThanTheUsername() {
        SaslServerMechanism server = SaslMechanisms.create("PLAIN", null, false);
        assertFailure(SaslCondition.INVALID_AUTHZID, server.start(utf8("romeo\0juliet\0pw")));
    }

    @Test
    void saslPrepsUserNameAndPassword() {
        SaslServerMechanism server = SaslMechanisms.create("PLAIN", null, false);
        assertEquals(new SaslStep.NeedCredentials("user"), server.start(utf8("\0us\u00ADer\0I\u00ADX")));
        assertInstanceOf(SaslStep.Success.class,
                server.credentials(ScramCredentials.generate(ScramHash.SHA_256, "IX")));
    }

    @Test
    void asksForTheMessageWhenThereIsNoInitialResponse() {
        SaslServerMechanism server = SaslMechanisms.create("PLAIN", null, false);
        assertEquals(0, assertInstanceOf(SaslStep.Challenge.class, server.start(null)).data().length);
        assertEquals(new SaslStep.NeedCredentials("juliet"), server.respond(utf8("\0juliet\0pw")));
        assertInstanceOf(SaslStep.Success.class,
                server.credentials(ScramCredentials.generate(ScramHash.SHA_256, "pw")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "juliet", "\0juliet", "\0juliet\0", "\0\0pw", "\0juliet\0pw\0", "a\0b\0c\0d",
        "\0jul\u0007iet\0pw"})
    void refusesAMalformedMessage(String message) {
        SaslServerMechanism server = SaslMechanisms.create("PLAIN", null, false);
        assertFailure(SaslCondition.MALFORMED_REQUEST, server.start(utf8(message)));
    }

    @Test
    void refusesAMessageThatIsNotUtf8() {
        SaslServerMechanism server = SaslMechanisms.create("PLAIN", null, false);
        assertFailure(SaslCondition.MALFORMED_REQUEST, server.start(new byte[] {0, 'a', (byte) 0xFF, 0, 'b'}));
    }

    @Test
    void refusesAResponseAfterTheMessage() {
        SaslServerMechanism server = SaslMechanisms.create("PLAIN", null, false);
        server.start(utf8("\0juliet\0pw"));
        assertFailure(SaslCondition.MALFORMED_REQUEST, server.respond(utf8("\0juliet\0pw")));
    }

    private static SaslStep login(String message, ScramCredentials stored) {
        SaslServerMechanism server = SaslMechanisms.create("PLAIN", null, false);
        SaslStep step = server.start(utf8(message));
        SaslStep.NeedCredentials need = assertInstanceOf(SaslStep.NeedCredentials.class, step);
        assertEquals(message.substring(message.indexOf('\0') + 1, message.lastIndexOf('\0')), need.username());
        return server.credentials(stored);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
