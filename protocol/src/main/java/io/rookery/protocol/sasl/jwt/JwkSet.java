package io.rookery.protocol.sasl.jwt;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A JWK set (RFC 7517 §5) reduced to what verifies signatures: RSA and EC (P-256, P-384) public keys. Keys meant for
 * encryption ({@code "use":"enc"}), of other types (symmetric keys never come from a published set) or that do not
 * parse are left out, so one odd key does not take the others down with it.
 */
public record JwkSet(List<Key> keys) {

    /** One verification key: kid and alg as published (null when absent); curve: "P-256" or "P-384" for EC. */
    public record Key(String kid, String alg, String kty, String curve, PublicKey publicKey) {}

    public static final JwkSet EMPTY = new JwkSet(List.of());

    public JwkSet {
        keys = List.copyOf(keys);
    }

    /** Parses a JWK set document; IllegalArgumentException when it is not JSON or has no "keys" array. */
    public static JwkSet parse(String json) {
        Map<String, Object> doc = Json.parseObject(json);
        if (!(doc.get("keys") instanceof List<?> list)) throw new IllegalArgumentException("JWKS without keys");
        List<Key> keys = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m)) continue;
            Key k = key(m);
            if (k != null) keys.add(k);
        }
        return new JwkSet(keys);
    }

    private static Key key(Map<?, ?> m) {
        String kty = str(m, "kty");
        String use = str(m, "use");
        if (use != null && !"sig".equals(use)) return null;
        try {
            if ("RSA".equals(kty)) {
                PublicKey k = KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(unsigned(str(m, "n")), unsigned(str(m, "e"))));
                return new Key(str(m, "kid"), str(m, "alg"), kty, null, k);
            }
            if ("EC".equals(kty)) {
                String crv = str(m, "crv");
                String name = switch (crv == null ? "" : crv) {
                    case "P-256" -> "secp256r1";
                    case "P-384" -> "secp384r1";
                    default -> null;
                };
                if (name == null) return null;
                AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
                p.init(new ECGenParameterSpec(name));
                ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
                PublicKey k = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                        new ECPoint(unsigned(str(m, "x")), unsigned(str(m, "y"))), spec));
                return new Key(str(m, "kid"), str(m, "alg"), kty, crv, k);
            }
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
        return null;
    }

    private static String str(Map<?, ?> m, String name) {
        return m.get(name) instanceof String s ? s : null;
    }

    private static BigInteger unsigned(String base64url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
    }
}
