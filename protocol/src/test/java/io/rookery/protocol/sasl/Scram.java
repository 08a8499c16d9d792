package io.rookery.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

/** Drives a server mechanism against {@link ScramTestClient}. */
final class Scram {
    private Scram() {}

    /**
     * One exchange with stored credentials for {@code storedPassword} while the client uses {@code clientPassword};
     * returns the server's last step, after checking a Success against the client's ServerSignature.
     */
    static SaslStep run(String name, byte[] serverEndPoint, boolean plusAdvertised, String user,
            String storedPassword, String clientPassword, String gs2Header, byte[] clientEndPoint) {
        ScramHash hash = SaslMechanisms.hashFor(name);
        SaslServerMechanism server = SaslMechanisms.create(name, serverEndPoint, plusAdvertised);
        ScramTestClient client = new ScramTestClient(hash, user, clientPassword, gs2Header, clientEndPoint,
                "fyko+d2lbbFgONRv9qkxdawL");
        SaslStep step = server.start(client.clientFirst());
        if (!(step instanceof SaslStep.NeedCredentials need)) return step;
        assertEquals(user, need.username());
        ScramCredentials stored = storedPassword == null ? null : ScramCredentials.generate(hash, storedPassword);
        step = server.credentials(stored);
        byte[] serverFirst = assertInstanceOf(SaslStep.Challenge.class, step).data();
        step = server.respond(client.clientFinal(serverFirst));
        if (step instanceof SaslStep.Success success) {
            assertTrue(client.verifyServerFinal(success.additionalData()), "server signature");
        }
        return step;
    }

    /** The server-first-message a fresh mechanism answers to "n,,n=user,r=clientNonce". */
    static String serverFirst(String name, String clientNonce) {
        SaslServerMechanism server = SaslMechanisms.create(name, null, false);
        server.start(("n,,n=user,r=" + clientNonce).getBytes(StandardCharsets.US_ASCII));
        SaslStep step = server.credentials(ScramCredentials.generate(SaslMechanisms.hashFor(name), "pw"));
        return new String(((SaslStep.Challenge) step).data(), StandardCharsets.US_ASCII);
    }
}
