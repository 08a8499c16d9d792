package io.rookery.protocol.tls;

import java.io.IOException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.PSSParameterSpec;
import java.util.Locale;

/** RFC 5929 §4.1 tls-server-end-point: the server certificate hashed with the hash of its signature algorithm. */
final class ServerEndPoint {
    private ServerEndPoint() {}

    /** The binding for {@code cert}, or null when its signature algorithm names no single hash (e.g. Ed25519). */
    static byte[] of(X509Certificate cert) throws GeneralSecurityException {
        String digest = digestFor(cert);
        return digest == null ? null : MessageDigest.getInstance(digest).digest(cert.getEncoded());
    }

    /** JCA digest name per RFC 5929 §4.1: MD5 and SHA-1 become SHA-256, other hashes are used as they are. */
    static String digestFor(X509Certificate cert) throws GeneralSecurityException {
        String alg = cert.getSigAlgName().toUpperCase(Locale.ROOT);
        String hash;
        if (alg.equals("RSASSA-PSS")) {
            // PSS carries its hash in the algorithm parameters, not in the name.
            AlgorithmParameters params = AlgorithmParameters.getInstance("RSASSA-PSS");
            try {
                params.init(cert.getSigAlgParams());
            } catch (IOException e) {
                throw new GeneralSecurityException("unreadable RSASSA-PSS parameters", e);
            }
            hash = params.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm().toUpperCase(Locale.ROOT);
        } else {
            int with = alg.indexOf("WITH");
            if (with <= 0) return null;
            hash = alg.substring(0, with);
        }
        return switch (hash.replace("-", "").replace("/", "")) {
            case "MD5", "SHA1", "SHA256" -> "SHA-256";
            case "SHA224" -> "SHA-224";
            case "SHA384" -> "SHA-384";
            case "SHA512" -> "SHA-512";
            case "SHA3224" -> "SHA3-224";
            case "SHA3256" -> "SHA3-256";
            case "SHA3384" -> "SHA3-384";
            case "SHA3512" -> "SHA3-512";
            default -> null;
        };
    }
}
