package io.rookery.protocol.xep.blocking;

/** XEP-0191 namespaces: the commands (§3) and the error payload (§3.3). */
public final class BlockingCommand {
    public static final String NS = "urn:xmpp:blocking";
    public static final String ERRORS = "urn:xmpp:blocking:errors";

    private BlockingCommand() {}
}
