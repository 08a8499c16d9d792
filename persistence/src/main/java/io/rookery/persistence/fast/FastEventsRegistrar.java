package io.rookery.persistence.fast;

import static io.rookery.persistence.user.PersistedFields.layout;
import static io.rookery.persistence.user.PersistedFields.readCount;
import static io.rookery.persistence.user.PersistedFields.readFlag;
import static io.rookery.persistence.user.PersistedFields.readString;
import static io.rookery.persistence.user.PersistedFields.writeCount;
import static io.rookery.persistence.user.PersistedFields.writeString;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.kryo.KryoRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Kryo ids 530-539: XEP-0484 token events and their snapshot part, frozen by {@code FastEventsFrozenBytesTest}.
 * Append only: the next free id is 534.
 */
public final class FastEventsRegistrar implements KryoRegistrar {
    /** A client id is a digest (Base64 of SHA-256: 44 characters); room for another. */
    private static final int MAX_CLIENT_BYTES = 128;
    private static final int MAX_MECHANISM_BYTES = 64;
    private static final int MAX_KEY_BYTES = 128;
    /** More tokens than this in one snapshot is refused as corrupt (the module keeps far fewer). */
    private static final int MAX_TOKENS = 10_000;

    @Override
    public void register(KryoRegistry registry) {
        registry.register(FastTokenIssued.class, 530, layout((out, e) -> {
            writeString(out, e.client(), MAX_CLIENT_BYTES, "client");
            writeString(out, e.mechanism(), MAX_MECHANISM_BYTES, "mechanism");
            writeString(out, e.key(), MAX_KEY_BYTES, "key");
            out.writeVarLong(e.expiresAt(), true);
        }, in -> new FastTokenIssued(readString(in, MAX_CLIENT_BYTES, "client"),
                readString(in, MAX_MECHANISM_BYTES, "mechanism"), readString(in, MAX_KEY_BYTES, "key"),
                in.readVarLong(true))));
        registry.register(FastTokenPromoted.class, 531, layout(
                (out, e) -> writeString(out, e.client(), MAX_CLIENT_BYTES, "client"),
                in -> new FastTokenPromoted(readString(in, MAX_CLIENT_BYTES, "client"))));
        registry.register(FastTokensRevoked.class, 532, layout(
                (out, e) -> writeString(out, e.client(), MAX_CLIENT_BYTES, "client"),
                in -> new FastTokensRevoked(readString(in, MAX_CLIENT_BYTES, "client"))));
        registry.register(FastTokens.class, 533, layout((out, s) -> {
            writeCount(out, s.tokens().size(), MAX_TOKENS, "tokens");
            for (FastToken t : s.tokens()) writeToken(out, t);
        }, in -> {
            int n = readCount(in, MAX_TOKENS, "tokens");
            List<FastToken> tokens = new ArrayList<>(Math.min(n, 64));
            for (int i = 0; i < n; i++) tokens.add(readToken(in));
            return new FastTokens(tokens);
        }));
    }

    private static void writeToken(Output out, FastToken t) {
        writeString(out, t.client(), MAX_CLIENT_BYTES, "client");
        writeString(out, t.mechanism(), MAX_MECHANISM_BYTES, "mechanism");
        writeString(out, t.key(), MAX_KEY_BYTES, "key");
        out.writeVarLong(t.expiresAt(), true);
        out.writeByte(t.fresh() ? 1 : 0);
    }

    private static FastToken readToken(Input in) {
        return new FastToken(readString(in, MAX_CLIENT_BYTES, "client"), readString(in, MAX_MECHANISM_BYTES,
                "mechanism"), readString(in, MAX_KEY_BYTES, "key"), in.readVarLong(true), readFlag(in, "fresh"));
    }
}
