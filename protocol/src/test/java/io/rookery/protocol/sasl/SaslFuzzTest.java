package io.rookery.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * The server mechanisms under Jazzer: whatever a client sends, in whatever order the exchange allows, each step is
 * a challenge, a request for credentials, a success or a failure (RFC 6120 §6.5) and never an exception; a success
 * only for a user whose credentials exist; after the end, every response is malformed-request.
 *
 * <p>Input: one byte of options (bits 0-2 the mechanism, 3 whether -PLUS was advertised, 4 whether the user exists,
 * 5 no initial response), then the client's messages separated by 0xFF, a byte UTF-8 never has. SCRAM runs with a
 * fixed server nonce so that a seed can carry a whole exchange. A normal test run replays the seeds in
 * {@code SaslFuzzTestInputs}; {@code docs/fuzzing.md} says how to fuzz for longer.
 */
class SaslFuzzTest {
    static final String[] MECHANISMS = {"PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512",
        "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS"};
    static final String SERVER_NONCE = "3rfcNHYJY1ZVvWVs7j";
    static final String PASSWORD = "pencil";
    static final byte[] SALT = "QSXCR+Q6sek8bf92".getBytes(StandardCharsets.US_ASCII);
    /** One iteration keeps key derivation cheap; the count changes nothing in what is parsed. */
    static final int ITERATIONS = 1;
    static final byte[] END_POINT = "certificate hash of this connection".getBytes(StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = "5s")
    @Timeout(10)
    @DictionaryEntries({"n,,", "y,,", "p=tls-server-end-point,,", "n=", "r=", "c=", "p=", "a=", "m=", ",", "=2C",
        "=3D", "biws", "cD10bHMtc2VydmVyLWVuZC1wb2ludCws", "\u0000", "juliet", "pencil", "\u00ad", "\u2000"})
    void anyClientMessagesGetAStepAndNoException(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int options = input[0] & 0xFF;
        String name = MECHANISMS[(options & 7) % MECHANISMS.length];
        boolean plusAdvertised = (options & 8) != 0 || name.endsWith("-PLUS");
        boolean userExists = (options & 16) != 0;
        boolean initialResponse = (options & 32) == 0;
        List<byte[]> messages = split(input);

        ScramHash hash = SaslMechanisms.hashFor(name);
        SaslServerMechanism mechanism = name.equals("PLAIN") ? SaslMechanisms.create(name, null, false)
                : new ScramServerMechanism(hash, name.endsWith("-PLUS") ? END_POINT : null, plusAdvertised,
                        () -> SERVER_NONCE);
        int next = 0;
        SaslStep step = mechanism.start(initialResponse ? messages.get(next++) : null);
        String username = null;
        while (!(step instanceof SaslStep.Success || step instanceof SaslStep.Failure)) {
            if (step instanceof SaslStep.NeedCredentials need) {
                assertNull(username, "credentials asked for twice");
                username = need.username();
                assertTrue(!username.isEmpty());
                step = mechanism.credentials(userExists ? ScramCredentials.derive(hash, PASSWORD, SALT, ITERATIONS) : null);
            } else {
                assertNotNull(assertInstanceOf(SaslStep.Challenge.class, step).data());
                if (next == messages.size()) {
                    return; // the client has nothing more to say
                }
                step = mechanism.respond(messages.get(next++));
            }
        }
        if (step instanceof SaslStep.Success success) {
            assertTrue(userExists, "success for a user that does not exist");
            assertEquals(username, success.username());
            if (name.equals("PLAIN")) {
                assertNull(success.additionalData());
            } else {
                assertTrue(new String(success.additionalData(), StandardCharsets.US_ASCII).startsWith("v="));
            }
        }
        SaslStep after = mechanism.respond(next < messages.size() ? messages.get(next) : new byte[0]);
        assertEquals(SaslCondition.MALFORMED_REQUEST, assertInstanceOf(SaslStep.Failure.class, after).condition());
    }

    /** The messages after the options byte, split at 0xFF. */
    static List<byte[]> split(byte[] input) {
        List<byte[]> messages = new ArrayList<>();
        int from = 1;
        for (int i = 1; i <= input.length; i++) {
            if (i == input.length || input[i] == (byte) 0xFF) {
                messages.add(Arrays.copyOfRange(input, from, i));
                from = i + 1;
            }
        }
        return messages;
    }
}
