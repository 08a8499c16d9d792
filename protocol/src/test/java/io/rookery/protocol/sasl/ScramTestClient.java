package io.rookery.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** The client side of SCRAM (RFC 5802 §3, §7), written from the RFC for tests only. */
final class ScramTestClient {
    private final ScramHash hash;
    private final String password;
    private final String gs2Header;
    private final byte[] channelBinding;
    private final String clientFirstBare;
    private byte[] serverSignature;

    /**
     * @param gs2Header e.g. {@code "n,,"}, {@code "y,,"}, {@code "p=tls-server-end-point,,"}
     * @param channelBinding appended to the gs2-header in c= (only for "p")
     */
    ScramTestClient(ScramHash hash, String user, String password, String gs2Header, byte[] channelBinding,
            String clientNonce) {
        this.hash = hash;
        this.password = password;
        this.gs2Header = gs2Header;
        this.channelBinding = channelBinding == null ? new byte[0] : channelBinding;
        this.clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
    }

    byte[] clientFirst() {
        return (gs2Header + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /** The client-final-message for a server-first-message. */
    byte[] clientFinal(byte[] serverFirstBytes) {
        String serverFirst = new String(serverFirstBytes, StandardCharsets.UTF_8);
        String nonce = null;
        byte[] salt = null;
        int iterations = 0;
        for (String attr : serverFirst.split(",")) {
            switch (attr.charAt(0)) {
                case 'r' -> nonce = attr.substring(2);
                case 's' -> salt = Base64.getDecoder().decode(attr.substring(2));
                case 'i' -> iterations = Integer.parseInt(attr.substring(2));
                default -> { }
            }
        }
        byte[] header = gs2Header.getBytes(StandardCharsets.UTF_8);
        byte[] cbind = new byte[header.length + channelBinding.length];
        System.arraycopy(header, 0, cbind, 0, header.length);
        System.arraycopy(channelBinding, 0, cbind, header.length, channelBinding.length);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbind) + ",r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);

        byte[] salted = ScramCrypto.saltedPassword(hash, SaslPrep.prepare(password), salt, iterations);
        byte[] clientKey = ScramCrypto.hmac(hash, salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] storedKey = ScramCrypto.digest(hash, clientKey);
        byte[] clientSignature = ScramCrypto.hmac(hash, storedKey, authMessage);
        byte[] proof = clientKey.clone();
        for (int i = 0; i < proof.length; i++) proof[i] ^= clientSignature[i];
        byte[] serverKey = ScramCrypto.hmac(hash, salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        serverSignature = ScramCrypto.hmac(hash, serverKey, authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the server-final-message proves the server knew the ServerKey. */
    boolean verifyServerFinal(byte[] serverFinal) {
        String s = new String(serverFinal, StandardCharsets.US_ASCII);
        return s.startsWith("v=") && MessageDigest.isEqual(Base64.getDecoder().decode(s.substring(2)), serverSignature);
    }
}
