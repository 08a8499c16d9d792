package io.rookery.node.ext.fast;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.LoginTokens;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.persistence.fast.FastEventsRegistrar;
import io.rookery.persistence.fast.FastToken;
import io.rookery.persistence.fast.FastTokenIssued;
import io.rookery.persistence.fast.FastTokenPromoted;
import io.rookery.persistence.fast.FastTokens;
import io.rookery.persistence.fast.FastTokensRevoked;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.xep.fast.Fast;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Offers XEP-0484 and keeps the tokens; the rules of issuing, checking, rotating and revoking are here. */
public final class FastModule implements XmppModule {
    static final PartKey<java.util.ArrayList<FastToken>> TOKENS = new PartKey<>("fast-tokens");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 66 random bytes: 88 characters of base64url, longer than HMAC-SHA-256's block (see {@link Fast#key}). */
    private static final int TOKEN_BYTES = 66;

    @Override
    public void declare(ModuleContext context, Declarations d) {
        Duration lifetime = context.config().getDuration("token-lifetime");
        Duration refresh = context.config().getDuration("refresh-before");
        int maxClients = context.config().getInt("max-clients-per-account");
        if (lifetime.toSeconds() < 60 || refresh.isNegative() || refresh.compareTo(lifetime) >= 0
                || maxClients < 1 || maxClients > 1000) {
            throw new IllegalArgumentException("rookery.modules.fast: token-lifetime at least 1m, refresh-before "
                    + "below it, max-clients-per-account 1..1000");
        }
        d.implementsXep(Xep.xep(484, "0.1.0", "FAST tokens with HT-SHA-256-NONE and -ENDP in SASL2: issued on"
                        + " request, rotated near expiry, revocable; no TLS 0-RTT"))
                .kryoRegistrar(FastEventsRegistrar.class)
                .accountPart(TOKENS, new FastTokensPart(maxClients), List.<Class<? extends UserEvent>>of(FastTokenIssued.class,
                        FastTokenPromoted.class, FastTokensRevoked.class))
                .loginTokens(new Tokens(lifetime.toSeconds(), refresh.toSeconds()));
    }

    record Tokens(long lifetimeSeconds, long refreshBeforeSeconds) implements LoginTokens {
        @Override
        public String partName() {
            return TOKENS.name();
        }

        @Override
        public List<String> mechanisms(boolean channelBinding) {
            return channelBinding ? List.of(Fast.HT_ENDP, Fast.HT_NONE) : List.of(Fast.HT_NONE);
        }

        @Override
        public Verdict verify(KryoSerializable part, String client, String mechanism, byte[] proof,
                byte[] channelBinding, long now) {
            if (!(part instanceof FastTokens tokens)) return new Verdict.Refused();
            byte[] cb = Fast.HT_ENDP.equals(mechanism) ? channelBinding : null;
            if (Fast.HT_ENDP.equals(mechanism) && cb == null) return new Verdict.Refused();
            // The newer token first (§5.1); each comparison in constant time.
            for (boolean fresh : new boolean[] {true, false}) {
                for (FastToken t : tokens.tokens()) {
                    if (t.fresh() != fresh || !t.client().equals(client) || !t.mechanism().equals(mechanism)) continue;
                    byte[] key = Base64.getDecoder().decode(t.key());
                    if (!MessageDigest.isEqual(Fast.initiatorProof(key, cb), proof)) continue;
                    if (t.expiresAt() <= now) return new Verdict.Expired();
                    return new Verdict.Accepted(client, mechanism, t.expiresAt(), fresh, Fast.responderProof(key, cb));
                }
            }
            return new Verdict.Refused();
        }

        @Override
        public Issued issue(String client, String mechanism, long now) {
            byte[] random = new byte[TOKEN_BYTES];
            RANDOM.nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            long expires = now + lifetimeSeconds;
            String key = Base64.getEncoder().encodeToString(Fast.key(token));
            return new Issued(token, expires, new FastTokenIssued(client, mechanism, key, expires));
        }

        @Override
        public After after(Verdict.Accepted accepted, boolean invalidate, long now) {
            List<UserEvent> events = new ArrayList<>(1);
            if (invalidate) {
                // §3.6: the token is gone at once, and no successor comes unless one is asked for.
                events.add(new FastTokensRevoked(accepted.client()));
                return new After(events, false);
            }
            // §5.1: using the newer token retires the older one.
            if (accepted.fresh()) events.add(new FastTokenPromoted(accepted.client()));
            return new After(events, accepted.expiresAt() - now < refreshBeforeSeconds);
        }

        @Override
        public String client(String userAgentId) {
            try {
                return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                        .digest(userAgentId.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public UserEvent revokeAll() {
            return new FastTokensRevoked("");
        }
    }
}
