package io.rookery.node.ext.pep;

import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.persistence.pep.PepAffiliationsSet;
import io.rookery.persistence.pep.PepEventsRegistrar;
import io.rookery.persistence.pep.PepNodeConfigured;
import io.rookery.persistence.pep.PepNodeDeleted;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.pubsub.PubSub;
import java.util.HashMap;
import java.util.List;

/**
 * XEP-0163 on every account: the user's bare JID is a pubsub service whose nodes the user owns. Requests go to the
 * account's entity (its own, or a contact's retrieval); notifications go to the full JIDs whose XEP-0115
 * capabilities ask for them, among the user's own resources and the contacts whose presence reached the account.
 */
public final class PepModule implements XmppModule {
    /** The account's nodes (persisted). */
    static final PartKey<HashMap<String, PepNode>> NODES = new PartKey<>("pep");
    /** The full JIDs whose presence reached the account, with their capability hash (memory only). */
    static final PartKey<Watchers> WATCHERS = new PartKey<>("pep-watchers");

    /** XEP-0060 §10 features a personal service supports. */
    private static final List<String> FEATURES = List.of("access-open", "access-presence", "access-roster",
            "access-whitelist", "auto-create", "config-node", "create-nodes", "delete-items", "delete-nodes",
            "filtered-notifications", "item-ids", "last-published", "modify-affiliations", "multi-items",
            "persistent-items", "presence-notifications", "publish", "publish-options", "purge-nodes",
            "retract-items", "retrieve-affiliations", "retrieve-default", "retrieve-items");

    @Override
    public void declare(ModuleContext context, Declarations d) {
        PepSettings settings = PepSettings.from(context.config());
        Interest interest = new Interest(settings.capsCacheSize(), settings.capsQueryTimeout());
        Pep pep = new Pep(settings, interest, context.stores(), context.router(), context.metrics());
        BookmarksCompat bookmarks = new BookmarksCompat(pep);
        AvatarConversion avatars = new AvatarConversion(pep);
        PepRequests requests = new PepRequests(pep, bookmarks, avatars);
        d.implementsXep(Xep.xep(163, "1.2", "personal eventing on every account: auto-create, publish options,"
                        + " notifications filtered by entity capabilities, last item at presence"))
                .implementsXep(Xep.xep(60, "1.26", "the subset XEP-0163 uses: publish, retract, items, create,"
                        + " configure, delete, purge, affiliations; no explicit subscriptions yet"))
                .implementsXep(Xep.xep(84, "1.1.4", "user avatars in the data and metadata nodes"))
                .implementsXep(Xep.xep(223, "1.1.1", "private PEP storage: publish options, whitelist nodes"))
                .implementsXep(Xep.xep(402, "1.2.0", "bookmarks as items of a whitelist node with max items,"
                        + " kept in step with the XEP-0048 list in private storage (#compat)"))
                .implementsXep(Xep.xep(398, "0.2.1", "XEP-0084 and vCard avatars converted both ways; the avatar's"
                        + " hash in every available presence the user sends"))
                .accountPart(AvatarConversion.HASH, new AvatarConversion.HashPart(),
                        List.of(io.rookery.persistence.pep.AvatarHashSet.class))
                .mirror(AvatarConversion.HASH)
                .presenceStamp(AvatarConversion::stamp)
                .follow(AddressKind.OWN_ACCOUNT, IqType.SET, "vCard", "vcard-temp", avatars::followVCard)
                .discoFeature(Discoverable.ACCOUNT, AvatarConversion.FEATURE)
                .implementsXep(Xep.xep(411, "1.1.0", "XEP-0048 bookmarks in private storage and in the"
                        + " storage:bookmarks personal node kept in step (and with XEP-0402's node)"))
                .kryoRegistrar(PepEventsRegistrar.class)
                .accountPart(NODES, new PepPart(),
                        List.of(PepNodeConfigured.class, PepNodeDeleted.class, PepAffiliationsSet.class))
                .identity(Discoverable.ACCOUNT, new Disco.Identity("pubsub", "pep", null))
                .accountNodes(new PepDisco());
        for (String f : FEATURES) {
            d.discoFeature(Discoverable.ACCOUNT, PubSub.feature(f));
            // COMPAT profanity 0.13 (and other clients) look for pubsub features such as publish-options in the
            // server's disco#info, not the account's, before they send publish options (OMEMO's open device list).
            d.discoFeature(Discoverable.SERVER, PubSub.feature(f));
        }
        d.discoFeature(Discoverable.ACCOUNT, PubSub.NS)
                .discoFeature(Discoverable.ACCOUNT, BookmarksCompat.FEATURE)
                .discoFeature(Discoverable.ACCOUNT, BookmarksCompat.CONVERSION_FEATURE)
                // XEP-0402 §5.3.2: a bookmark list stored the XEP-0048 way updates the node too.
                .follow(AddressKind.OWN_ACCOUNT, IqType.SET, "query", "jabber:iq:private", bookmarks::follow);
        for (IqType type : IqType.values()) {
            d.iq(AddressKind.OWN_ACCOUNT, type, "pubsub", PubSub.NS, requests::own)
                    .iq(AddressKind.OWN_ACCOUNT, type, "pubsub", PubSub.OWNER, requests::owner)
                    .iq(AddressKind.OTHER_ACCOUNT, type, "pubsub", PubSub.NS, requests::other)
                    // Only the owner configures a personal node (XEP-0163 §3).
                    .iq(AddressKind.OTHER_ACCOUNT, type, "pubsub", PubSub.OWNER,
                            r -> IqOutcome.reply(PubSub.error(r.iq(), StanzaErrorCondition.FORBIDDEN, null, null)));
        }
        d.on(Hook.OWN_PRESENCE, e -> pep.presence(e.account(), e.account().jid() + "/" + e.resource(),
                        e.presence()))
                .on(Hook.PRESENCE_IN, e -> pep.presence(e.account(), e.presence().attr("from"), e.presence()))
                .on(Hook.IQ_RESPONSE, e -> pep.answered(e.account(), e.iq()))
                .on(Hook.ACCOUNT_DELETED, e -> pep.deleted(e.account()))
                .on(Hook.RESOURCE_UNBOUND, e -> {
                    Watchers w = e.account().memo(WATCHERS, null);
                    if (w != null) w.remove(e.account().jid() + "/" + e.resource());
                    return HookOutcome.NONE;
                });
    }
}
