package io.rookery.node.ext;

import io.rookery.protocol.xml.Element;

/**
 * Rewrites a message addressed to the account before the core delivers it to a resource or stores it for later
 * (XEP-0359: the archive's stanza-id, so that the copy a resource gets, the copy stored offline and the archived
 * copy carry the same id). Runs in the account's entity for every message it takes, so it must be cheap and must not
 * block; it may start asynchronous work of its own (an archive write) whose failure it handles itself.
 */
@FunctionalInterface
public interface MessageStamp {
    /** The message as it should be delivered or stored ('from' stamped), or the same instance when unchanged. */
    Element stamp(AccountView account, Element message);
}
