package io.rookery.node.it;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.callback.CallbackHandler;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.sasl.SASLMechanism;

/**
 * SCRAM-SHA-256 (RFC 7677) for Smack 4.4, whose own SCRAM code is tied to SHA-1. Plugged in through Smack's public
 * SASL mechanism registry; written from the RFC on JDK crypto, independent of the server's SCRAM code.
 */
public final class ScramSha256Mechanism extends SASLMechanism {
    public static final String NAME = "SCRAM-SHA-256";

    private String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;
    private boolean verified;

    @Override
    protected void authenticateInternal(CallbackHandler cbh) {
        throw new UnsupportedOperationException("password authentication only");
    }

    @Override
    protected byte[] getAuthenticationText() {
        byte[] r = new byte[24];
        new SecureRandom().nextBytes(r);
        clientNonce = Base64.getEncoder().withoutPadding().encodeToString(r);
        String user = saslPrep(authenticationId).replace("=", "=3D").replace(",", "=2C");
        clientFirstBare = "n=" + user + ",r=" + clientNonce;
        return ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected byte[] evaluateChallenge(byte[] challenge) throws SmackException.SmackSaslException {
        String msg = new String(challenge, StandardCharsets.UTF_8);
        try {
            if (expectedServerSignature == null) {
                String nonce = attr(msg, 'r');
                byte[] salt = Base64.getDecoder().decode(attr(msg, 's'));
                int iterations = Integer.parseInt(attr(msg, 'i'));
                if (!nonce.startsWith(clientNonce)) throw new SmackException.SmackSaslException("server nonce mismatch");
                String clientFinalNoProof = "c=biws,r=" + nonce;
                String authMessage = clientFirstBare + "," + msg + "," + clientFinalNoProof;
                SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
                byte[] salted = f.generateSecret(new PBEKeySpec(saslPrep(password).toCharArray(), salt, iterations, 256))
                        .getEncoded();
                byte[] clientKey = hmac(salted, "Client Key");
                byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
                byte[] signature = hmac(storedKey, authMessage);
                byte[] proof = new byte[clientKey.length];
                for (int i = 0; i < proof.length; i++) proof[i] = (byte) (clientKey[i] ^ signature[i]);
                expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
                return (clientFinalNoProof + ",p=" + Base64.getEncoder().encodeToString(proof))
                        .getBytes(StandardCharsets.UTF_8);
            }
            byte[] v = Base64.getDecoder().decode(attr(msg, 'v'));
            if (!MessageDigest.isEqual(v, expectedServerSignature)) {
                throw new SmackException.SmackSaslException("server signature mismatch");
            }
            verified = true;
            return null;
        } catch (SmackException.SmackSaslException e) {
            throw e;
        } catch (Exception e) {
            throw new SmackException.SmackSaslException(e);
        }
    }

    private static String attr(String msg, char name) throws SmackException.SmackSaslException {
        for (String part : msg.split(",")) {
            if (part.length() > 1 && part.charAt(0) == name && part.charAt(1) == '=') return part.substring(2);
        }
        throw new SmackException.SmackSaslException("missing " + name + " in " + msg);
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public int getPriority() {
        return 105;
    }

    @Override
    public void checkIfSuccessfulOrThrow() throws SmackException.SmackSaslException {
        if (!verified) throw new SmackException.SmackSaslException("server signature not verified");
    }

    @Override
    protected SASLMechanism newInstance() {
        return new ScramSha256Mechanism();
    }
}
