package io.rookery.node.ext;

import io.rookery.protocol.xml.Element;
import java.util.concurrent.CompletionStage;

/**
 * What a module may do as the server's administrator (XEP-0133), beyond creating accounts
 * ({@link AccountProvisioning}). The node provides it once it runs; read it when handling, not while declaring.
 */
public interface ServerAdministration {
    enum Changed { DONE, UNCHANGED, NOT_FOUND }

    /**
     * New SCRAM keys for localpart@domain.
     *
     * @throws IllegalArgumentException at once for a name or password that cannot be prepared
     */
    CompletionStage<Changed> changePassword(String localpart, String password);

    /** Deletes the account; its sessions end (XEP-0133 §4.2). */
    CompletionStage<Changed> delete(String localpart);

    /** Disables the account (its sessions end, it may not log in) or enables it again; UNCHANGED when it was so. */
    CompletionStage<Changed> setDisabled(String localpart, boolean disabled);

    /** How many accounts the domain has, from the account index. */
    CompletionStage<Long> registeredUsers();

    /** How many distinct users have at least one session, over the whole cluster (as its nodes last wrote them). */
    CompletionStage<Long> onlineUsers();

    /**
     * Sends a copy of the message (no 'to'; 'from' set) to every session of the cluster, addressed to its full JID;
     * completes with how many copies went out.
     */
    CompletionStage<Long> toEverySession(Element message);
}
