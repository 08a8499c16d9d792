package io.rookery.protocol.jid;

/** A string that is not a JID under RFC 7622; the message names the offending part. */
public class InvalidJidException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidJidException(String message) {
        super(message);
    }
}
