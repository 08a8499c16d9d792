package io.rookery.node.ext.fast;

import io.rookery.node.ext.AccountPart;
import io.rookery.persistence.fast.FastToken;
import io.rookery.persistence.fast.FastTokenIssued;
import io.rookery.persistence.fast.FastTokenPromoted;
import io.rookery.persistence.fast.FastTokens;
import io.rookery.persistence.fast.FastTokensRevoked;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshotV2;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The account's tokens: per client the one in use and a newer one not yet used (XEP-0484 §5.1), for at most
 * maxClients clients (a new client past that evicts the one whose tokens expire first, which is deterministic, as
 * replaying the journal must be).
 */
final class FastTokensPart implements AccountPart<ArrayList<FastToken>> {
    private final int maxClients;

    FastTokensPart(int maxClients) {
        this.maxClients = maxClients;
    }

    @Override
    public Class<? extends KryoSerializable> snapshotType() {
        return FastTokens.class;
    }

    @Override
    public ArrayList<FastToken> apply(ArrayList<FastToken> state, UserEvent event) {
        ArrayList<FastToken> tokens = state == null ? new ArrayList<>(2) : state;
        if (event instanceof FastTokenIssued e) {
            tokens.removeIf(t -> t.client().equals(e.client()) && t.fresh());
            tokens.add(new FastToken(e.client(), e.mechanism(), e.key(), e.expiresAt(), true));
            evictPast(tokens);
        } else if (event instanceof FastTokenPromoted e) {
            FastToken fresh = null;
            for (FastToken t : tokens) if (t.client().equals(e.client()) && t.fresh()) fresh = t;
            if (fresh != null) {
                tokens.removeIf(t -> t.client().equals(e.client()));
                tokens.add(new FastToken(fresh.client(), fresh.mechanism(), fresh.key(), fresh.expiresAt(), false));
            }
        } else if (event instanceof FastTokensRevoked e) {
            if (e.all()) tokens.clear();
            else tokens.removeIf(t -> t.client().equals(e.client()));
        }
        return tokens.isEmpty() ? null : tokens;
    }

    private void evictPast(ArrayList<FastToken> tokens) {
        while (true) {
            Map<String, Long> latest = new HashMap<>();
            for (FastToken t : tokens) latest.merge(t.client(), t.expiresAt(), Math::max);
            if (latest.size() <= maxClients) return;
            String oldest = null;
            long when = Long.MAX_VALUE;
            for (Map.Entry<String, Long> e : latest.entrySet()) {
                if (e.getValue() < when || (e.getValue() == when && e.getKey().compareTo(oldest) < 0)) {
                    oldest = e.getKey();
                    when = e.getValue();
                }
            }
            String evicted = oldest;
            tokens.removeIf(t -> t.client().equals(evicted));
        }
    }

    @Override
    public KryoSerializable snapshot(ArrayList<FastToken> state) {
        return state == null || state.isEmpty() ? null : new FastTokens(state);
    }

    @Override
    public ArrayList<FastToken> restore(KryoSerializable snapshot) {
        return snapshot instanceof FastTokens t && !t.tokens().isEmpty() ? new ArrayList<>(t.tokens()) : null;
    }

    @Override
    public ArrayList<FastToken> fromV2(UserSnapshotV2 old) {
        return null;
    }
}
