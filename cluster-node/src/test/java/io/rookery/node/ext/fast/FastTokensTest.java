package io.rookery.node.ext.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.ext.LoginTokens;
import io.rookery.persistence.fast.FastToken;
import io.rookery.persistence.fast.FastTokenIssued;
import io.rookery.persistence.fast.FastTokens;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.xep.fast.Fast;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** The token rules without actors: issue, check, promote, rotate, revoke, evict. */
class FastTokensTest {
    private static final long NOW = 1_800_000_000L;
    private final FastModule.Tokens tokens = new FastModule.Tokens(14 * 86_400, 7 * 86_400);
    private final FastTokensPart part = new FastTokensPart(2);
    private ArrayList<FastToken> state;

    private void apply(UserEvent e) {
        state = part.apply(state, e);
    }

    private FastTokens snapshot() {
        return (FastTokens) part.snapshot(state);
    }

    private static byte[] proof(String token, byte[] cb) {
        return Fast.initiatorProof(token.getBytes(StandardCharsets.UTF_8), cb);
    }

    @Test
    void anIssuedTokenIsCheckedByItsProofForItsClientAndMechanismOnly() {
        String client = tokens.client("agent-1");
        LoginTokens.Issued issued = tokens.issue(client, Fast.HT_NONE, NOW);
        assertTrue(issued.token().getBytes(StandardCharsets.UTF_8).length > 64);
        assertFalse(((FastTokenIssued) issued.event()).key().contains(issued.token()), "only a digest is kept");
        apply(issued.event());
        LoginTokens.Verdict ok = tokens.verify(snapshot(), client, Fast.HT_NONE, proof(issued.token(), null), null, NOW);
        LoginTokens.Verdict.Accepted a = assertInstanceOf(LoginTokens.Verdict.Accepted.class, ok);
        assertTrue(a.fresh());
        // The server's proof is HMAC(token, "Responder"), computed from the digest alone.
        assertEquals(new String(Fast.responderProof(issued.token().getBytes(StandardCharsets.UTF_8), null),
                StandardCharsets.ISO_8859_1), new String(a.responder(), StandardCharsets.ISO_8859_1));
        assertInstanceOf(LoginTokens.Verdict.Refused.class, tokens.verify(snapshot(), tokens.client("agent-2"),
                Fast.HT_NONE, proof(issued.token(), null), null, NOW));
        assertInstanceOf(LoginTokens.Verdict.Refused.class, tokens.verify(snapshot(), client, Fast.HT_ENDP,
                proof(issued.token(), new byte[32]), new byte[32], NOW));
        assertInstanceOf(LoginTokens.Verdict.Expired.class, tokens.verify(snapshot(), client, Fast.HT_NONE,
                proof(issued.token(), null), null, NOW + 15 * 86_400));
    }

    @Test
    void usingTheNewerTokenRetiresTheOlderAndANearExpiryAsksForASuccessor() {
        String client = tokens.client("agent-1");
        LoginTokens.Issued first = tokens.issue(client, Fast.HT_NONE, NOW);
        apply(first.event());
        LoginTokens.Verdict.Accepted a = (LoginTokens.Verdict.Accepted) tokens.verify(snapshot(), client, Fast.HT_NONE,
                proof(first.token(), null), null, NOW);
        LoginTokens.After after = tokens.after(a, false, NOW);
        after.events().forEach(this::apply);
        assertFalse(after.rotate(), "fresh for 14 days");
        LoginTokens.Issued second = tokens.issue(client, Fast.HT_NONE, NOW + 8 * 86_400);
        apply(second.event());
        // Both work until the newer one is used.
        assertInstanceOf(LoginTokens.Verdict.Accepted.class, tokens.verify(snapshot(), client, Fast.HT_NONE,
                proof(first.token(), null), null, NOW + 8 * 86_400));
        LoginTokens.Verdict.Accepted b = (LoginTokens.Verdict.Accepted) tokens.verify(snapshot(), client,
                Fast.HT_NONE, proof(second.token(), null), null, NOW + 8 * 86_400);
        tokens.after(b, false, NOW + 8 * 86_400).events().forEach(this::apply);
        assertInstanceOf(LoginTokens.Verdict.Refused.class, tokens.verify(snapshot(), client, Fast.HT_NONE,
                proof(first.token(), null), null, NOW + 8 * 86_400));
        // Within refresh-before of its expiry, a login asks for a successor.
        LoginTokens.Verdict.Accepted late = (LoginTokens.Verdict.Accepted) tokens.verify(snapshot(), client,
                Fast.HT_NONE, proof(second.token(), null), null, NOW + 16 * 86_400);
        assertTrue(tokens.after(late, false, NOW + 16 * 86_400).rotate());
        // Invalidated: gone, and no successor.
        LoginTokens.After out = tokens.after(late, true, NOW + 16 * 86_400);
        assertFalse(out.rotate());
        out.events().forEach(this::apply);
        assertNull(state);
    }

    @Test
    void pastTheLimitTheClientWhoseTokensExpireFirstIsEvictedAndRevokeAllEmptiesTheAccount() {
        String c1 = tokens.client("1");
        String c2 = tokens.client("2");
        String c3 = tokens.client("3");
        apply(tokens.issue(c1, Fast.HT_NONE, NOW).event());
        apply(tokens.issue(c2, Fast.HT_NONE, NOW + 10).event());
        LoginTokens.Issued third = tokens.issue(c3, Fast.HT_NONE, NOW + 20);
        apply(third.event());
        assertEquals(2, snapshot().tokens().size());
        assertTrue(snapshot().tokens().stream().noneMatch(t -> t.client().equals(c1)));
        apply(tokens.revokeAll());
        assertNull(state);
        assertNull(part.snapshot(state));
    }
}
