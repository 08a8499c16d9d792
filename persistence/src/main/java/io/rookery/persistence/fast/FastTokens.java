package io.rookery.persistence.fast;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.List;

/** The account's tokens, as its snapshot holds them and as a login reads them. */
public record FastTokens(List<FastToken> tokens) implements KryoSerializable {
    public FastTokens {
        tokens = List.copyOf(tokens);
    }
}
