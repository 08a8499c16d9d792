package io.rookery.node.ext;

import io.rookery.protocol.jid.Jid;

/** What a handler of an iq to an account may read of it. */
public interface AccountView {
    /** The account's bare JID. */
    Jid jid();

    /** The module's part of the account's state, or null when it holds nothing. */
    <S> S part(PartKey<S> key);
}
