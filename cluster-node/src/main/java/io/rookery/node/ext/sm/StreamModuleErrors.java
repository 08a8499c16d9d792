package io.rookery.node.ext.sm;

import io.rookery.node.ext.StreamExtension;
import io.rookery.protocol.stanza.StreamError;
import io.rookery.protocol.stanza.StreamErrorCondition;

/** The stream errors for elements of the namespace that XEP-0198 does not define or that are malformed. */
final class StreamModuleErrors {
    private StreamModuleErrors() {}

    /** An element the client may not send (RFC 6120 §4.9.3.22). */
    static StreamExtension.Outcome unsupported() {
        return StreamExtension.Outcome.streamError(StreamError.of(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE).toXml());
    }

    /**
     * An {@code <a/>} or {@code <resume/>} without a usable 'h' (§4: it MUST have one): invalid XML for the protocol
     * (RFC 6120 §4.9.3.5).
     */
    static StreamExtension.Outcome badCount() {
        return StreamExtension.Outcome.streamError(new StreamError(StreamErrorCondition.BAD_FORMAT,
                "'h' must be between 0 and 4294967295").toXml());
    }
}
