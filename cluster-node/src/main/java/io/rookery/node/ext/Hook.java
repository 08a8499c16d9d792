package io.rookery.node.ext;

import io.rookery.protocol.xml.Element;
import java.util.List;

/**
 * A point in the core where the modules that asked are told what happened to an account and may answer with
 * stanzas to send ({@link HookOutcome}). Typed: each hook names the record its handlers receive.
 */
public final class Hook<E> {
    /** One of the user's resources sent a message to someone else (XEP-0280 sent carbons, archives). */
    public static final Hook<StanzaSent> STANZA_SENT = new Hook<>("stanza-sent");
    /** A message addressed to the user was delivered to these resources (received carbons, archives). */
    public static final Hook<StanzaReceived> STANZA_RECEIVED = new Hook<>("stanza-received");
    /** A session bound a resource (RFC 6120 §7). */
    public static final Hook<ResourceChanged> RESOURCE_BOUND = new Hook<>("resource-bound");
    /** A bound resource went away: unbound, its session stopped, or its node was lost. */
    public static final Hook<ResourceChanged> RESOURCE_UNBOUND = new Hook<>("resource-unbound");
    /** A resource sent its initial presence (RFC 6121 §4.2). */
    public static final Hook<ResourceChanged> INITIAL_PRESENCE = new Hook<>("initial-presence");
    /**
     * A message for the user found no resource that takes it (RFC 6121 §8.5.2.2.1, §8.5.3.2.1): a module may store
     * it (XEP-0160); when none handles this hook the sender gets service-unavailable.
     */
    public static final Hook<MessageUndeliverable> MESSAGE_UNDELIVERABLE = new Hook<>("message-undeliverable");
    /**
     * A resource can now be given what was stored for the user: it sent initial presence with a non-negative
     * priority, or registered again, available, with a restarted entity.
     */
    public static final Hook<ResourceChanged> OFFLINE_DELIVERY = new Hook<>("offline-delivery");

    /**
     * One of the user's resources sent available or unavailable presence without a 'to' (RFC 6121 §4.2, §4.4,
     * §4.5): initial, changed or final. XEP-0115 capabilities ride on it (XEP-0163 notification filters).
     */
    public static final Hook<PresenceSeen> OWN_PRESENCE = new Hook<>("own-presence");
    /**
     * Available or unavailable presence from another entity reached the user's bare JID (RFC 6121 §4.2.3, §4.4.3:
     * a contact's broadcast) and went to the user's available resources.
     */
    public static final Hook<PresenceSeen> PRESENCE_IN = new Hook<>("presence-in");
    /**
     * An iq result or error addressed to the user's bare JID: the answer to a request a module sent in the user's
     * name (XEP-0163 asks a contact's client for its capabilities); dropped when no module takes it (RFC 6121
     * §8.5.2.1.3).
     */
    public static final Hook<IqResponse> IQ_RESPONSE = new Hook<>("iq-response");

    /** The account was deleted (its state is gone; what modules keep elsewhere for it should go too). */
    public static final Hook<AccountChanged> ACCOUNT_DELETED = new Hook<>("account-deleted");

    /** The sender's resource and the message, 'from' stamped with its full JID. */
    public record StanzaSent(AccountView account, String resource, Element stanza) {}

    /** The stanza as delivered, and the resources that got it (empty when none did). */
    public record StanzaReceived(AccountView account, Element stanza, List<String> deliveredTo) {}

    public record ResourceChanged(AccountView account, String resource) {}

    /** The presence as it arrived, 'from' stamped (a full JID); resource is the user's own for OWN_PRESENCE. */
    public record PresenceSeen(AccountView account, String resource, Element presence) {}

    /** The iq result or error as it arrived. */
    public record IqResponse(AccountView account, Element iq) {}

    /** The account as it was. */
    public record AccountChanged(AccountView account) {}

    /** The message as addressed, 'from' stamped. */
    public record MessageUndeliverable(AccountView account, Element message) {}

    private final String name;

    private Hook(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return "hook " + name;
    }
}
