package io.rookery.node.ext;

import io.rookery.protocol.xml.Element;
import java.util.concurrent.CompletionStage;

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

    /**
     * As {@link #stamp}, and the completion of what it stores of the message (XEP-0313: the archive write), so that
     * the sender's acknowledgement (XEP-0198) may wait until the message is kept; stored is null when nothing is.
     */
    default Stamped stampStored(AccountView account, Element message) {
        return new Stamped(stamp(account, message), null);
    }

    /** A stamped message and the completion of its storing (null: nothing stored). */
    record Stamped(Element message, CompletionStage<?> stored) {}
}
