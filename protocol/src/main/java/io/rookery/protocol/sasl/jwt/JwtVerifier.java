package io.rookery.protocol.sasl.jwt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a compact JWS (RFC 7515) carrying JWT claims (RFC 7519) the way RFC 8725 asks: the algorithm comes from
 * the server's list, never from the token alone ({@code none} is always refused, HMAC only with a configured
 * secret, and a key is only used with an algorithm of its type); the signature is checked before any claim is
 * believed; {@code exp} is required, {@code nbf} honoured, {@code aud} must name this service, {@code iss} must
 * match when configured. The identity comes from one string claim.
 */
public final class JwtVerifier {

    /** Why a token was refused; only {@link #EXPIRED} says anything the client can act on. */
    public enum Reason { MALFORMED, ALGORITHM_REFUSED, UNKNOWN_KEY, BAD_SIGNATURE, EXPIRED, NOT_YET_VALID,
        WRONG_AUDIENCE, WRONG_ISSUER, NO_IDENTITY }

    public sealed interface Result {}

    /** identity: the value of the identity claim, as the token has it. */
    public record Valid(String identity) implements Result {}

    public record Invalid(Reason reason, String text) implements Result {}

    /** The algorithms this class can check. */
    public static final Set<String> SUPPORTED = Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "HS256");

    private final JwkSet keys;
    private final byte[] hmacSecret;
    private final Set<String> allowed;
    private final String issuer;
    private final String audience;
    private final String identityClaim;
    private final Duration clockSkew;
    private final Clock clock;

    /**
     * @param hmacSecretOrNull HS256's shared secret; without it HS256 is refused whatever {@code allowed} says
     * @param issuerOrNull the required {@code iss}, or null for any
     */
    public JwtVerifier(JwkSet keys, byte[] hmacSecretOrNull, Set<String> allowed, String issuerOrNull,
            String audience, String identityClaim, Duration clockSkew, Clock clock) {
        for (String a : allowed) {
            if (!SUPPORTED.contains(a)) throw new IllegalArgumentException("unsupported JWT algorithm " + a);
        }
        this.keys = keys;
        this.hmacSecret = hmacSecretOrNull == null ? null : hmacSecretOrNull.clone();
        this.allowed = Set.copyOf(allowed);
        this.issuer = issuerOrNull;
        this.audience = audience;
        this.identityClaim = identityClaim;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /** The same checks with another key set (after a refresh). */
    public JwtVerifier withKeys(JwkSet newKeys) {
        return new JwtVerifier(newKeys, hmacSecret, allowed, issuer, audience, identityClaim, clockSkew, clock);
    }

    public Result verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) return invalid(Reason.MALFORMED, "not a compact JWS");
        Map<String, Object> header;
        Map<String, Object> claims;
        byte[] signature;
        try {
            header = Json.parseObject(utf8(parts[0]));
            claims = Json.parseObject(utf8(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return invalid(Reason.MALFORMED, "undecodable header, claims or signature");
        }
        if (!(header.get("alg") instanceof String alg)) return invalid(Reason.MALFORMED, "no alg");
        // RFC 7515 §4.1.11: extensions we do not know must make the token unusable.
        if (header.containsKey("crit")) return invalid(Reason.MALFORMED, "crit header not supported");
        if ("none".equalsIgnoreCase(alg) || !allowed.contains(alg)) {
            return invalid(Reason.ALGORITHM_REFUSED, "algorithm not accepted: " + alg);
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        Result sig = checkSignature(alg, header.get("kid") instanceof String k ? k : null, signed, signature);
        if (sig != null) return sig;
        return checkClaims(claims);
    }

    private Result checkSignature(String alg, String kid, byte[] signed, byte[] signature) {
        if (alg.startsWith("HS")) {
            if (hmacSecret == null) return invalid(Reason.ALGORITHM_REFUSED, "no HMAC secret configured");
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(hmacSecret, "HmacSHA256"));
                return MessageDigest.isEqual(mac.doFinal(signed), signature) ? null
                        : invalid(Reason.BAD_SIGNATURE, "bad signature");
            } catch (GeneralSecurityException e) {
                return invalid(Reason.BAD_SIGNATURE, "bad signature");
            }
        }
        String kty = alg.startsWith("RS") ? "RSA" : "EC";
        String curve = switch (alg) {
            case "ES256" -> "P-256";
            case "ES384" -> "P-384";
            default -> null;
        };
        boolean candidate = false;
        for (JwkSet.Key key : keys.keys()) {
            if (kid != null && !kid.equals(key.kid())) continue;
            if (!kty.equals(key.kty()) || (curve != null && !curve.equals(key.curve()))) continue;
            if (key.alg() != null && !key.alg().equals(alg)) continue;
            candidate = true;
            if (verifies(alg, key, signed, signature)) return null;
        }
        return candidate ? invalid(Reason.BAD_SIGNATURE, "bad signature")
                : invalid(Reason.UNKNOWN_KEY, "no key " + (kid == null ? "for " + alg : "with kid " + kid));
    }

    private static boolean verifies(String alg, JwkSet.Key key, byte[] signed, byte[] signature) {
        String jca = switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "RS384" -> "SHA384withRSA";
            case "RS512" -> "SHA512withRSA";
            // RFC 7518 §3.4: R || S, which is what the JDK calls P1363 format.
            case "ES256" -> "SHA256withECDSAinP1363Format";
            case "ES384" -> "SHA384withECDSAinP1363Format";
            default -> null;
        };
        if (jca == null) return false;
        try {
            Signature s = Signature.getInstance(jca);
            s.initVerify(key.publicKey());
            s.update(signed);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private Result checkClaims(Map<String, Object> claims) {
        long now = clock.millis();
        long skew = clockSkew.toMillis();
        if (!(claims.get("exp") instanceof Double exp)) return invalid(Reason.MALFORMED, "no exp");
        if (now - skew >= (long) (exp * 1000)) return invalid(Reason.EXPIRED, "expired");
        if (claims.containsKey("nbf")) {
            if (!(claims.get("nbf") instanceof Double nbf)) return invalid(Reason.MALFORMED, "bad nbf");
            if (now + skew < (long) (nbf * 1000)) return invalid(Reason.NOT_YET_VALID, "not yet valid");
        }
        Object aud = claims.get("aud");
        boolean forUs = aud instanceof String a ? a.equals(audience)
                : aud instanceof List<?> l && l.contains(audience);
        if (!forUs) return invalid(Reason.WRONG_AUDIENCE, "not for this audience");
        if (issuer != null && !issuer.equals(claims.get("iss"))) return invalid(Reason.WRONG_ISSUER, "wrong issuer");
        if (!(claims.get(identityClaim) instanceof String id) || id.isEmpty()) {
            return invalid(Reason.NO_IDENTITY, "no " + identityClaim + " claim");
        }
        return new Valid(id);
    }

    private static String utf8(String base64url) {
        return new String(Base64.getUrlDecoder().decode(base64url), StandardCharsets.UTF_8);
    }

    private static Invalid invalid(Reason reason, String text) {
        return new Invalid(reason, text);
    }
}
