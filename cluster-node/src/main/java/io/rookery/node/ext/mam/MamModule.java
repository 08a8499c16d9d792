package io.rookery.node.ext.mam;

import io.prometheus.metrics.core.metrics.Counter;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.persistence.mam.ArchivePrefs;
import io.rookery.persistence.mam.ArchivePrefsSet;
import io.rookery.persistence.user.ImEventsRegistrar;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.mam.Mam;
import io.rookery.protocol.xep.rsm.ResultSet;
import io.rookery.protocol.xep.sid.StanzaId;
import java.util.List;

/**
 * The user's archive: messages the user's resources send are archived by the user's entity (a sent stamp, so every
 * sent message costs a hop to it while the module is on, and sent carbons carry the archive's id), messages addressed to the user are archived and
 * stamped with their id before they are delivered or stored offline (so the offline copy, the delivered copy and
 * the archive agree on it), queries and metadata are read from the store by the entity without holding up its
 * other work, preferences live in the account.
 */
public final class MamModule implements XmppModule {
    public static final PartKey<ArchivePrefs> PREFS = new PartKey<>("mam");

    @Override
    public void declare(ModuleContext context, Declarations d) {
        MamSettings settings = MamSettings.from(context.config());
        Counter archived = Counter.builder().name("xmpp_mam_messages_archived_total")
                .help("Messages written to users' archives, by direction (in, out)").labelNames("direction")
                .register(context.metrics());
        Counter queries = Counter.builder().name("xmpp_mam_queries_total")
                .help("Archive queries, by kind (all, with, refused)").labelNames("kind").register(context.metrics());
        Counter storeErrors = Counter.builder().name("xmpp_mam_store_errors_total")
                .help("Archive store operations that failed, by operation").labelNames("operation")
                .register(context.metrics());
        Archiver archiver = new Archiver(settings, () -> context.stores().get().archive(), context.clock(), archived,
                storeErrors);
        ArchiveQueries reads = new ArchiveQueries(settings, () -> context.stores().get().archive(), queries,
                storeErrors);
        d.implementsXep(Xep.xep(313, "1.1", "message archive management (`urn:xmpp:mam:2`, `#extended`), in Cassandra;"
                        + " preferences, metadata, retention; no RSM count or index"))
                .implementsXep(Xep.xep(359, "0.7", "stanza-id stamped on archived messages"))
                .implementsXep(Xep.xep(59, "1.0", "result set paging of archive queries (no count, no index)"))
                .discoFeature(Discoverable.ACCOUNT, Mam.NS)
                .discoFeature(Discoverable.ACCOUNT, Mam.NS_EXTENDED)
                .discoFeature(Discoverable.ACCOUNT, StanzaId.NS)
                .discoFeature(Discoverable.ACCOUNT, ResultSet.NS)
                .kryoRegistrar(ImEventsRegistrar.class)
                .accountPart(PREFS, new ArchivePrefsPart(), List.of(ArchivePrefsSet.class))
                .iq(AddressKind.OWN_ACCOUNT, IqType.GET, "query", Mam.NS, r -> IqOutcome.result(r.iq(), Mam.queryForm()))
                .iq(AddressKind.OWN_ACCOUNT, IqType.SET, "query", Mam.NS, reads::query)
                .iq(AddressKind.OWN_ACCOUNT, IqType.GET, "metadata", Mam.NS, reads::metadata)
                .iq(AddressKind.OWN_ACCOUNT, IqType.GET, "prefs", Mam.NS, r -> IqOutcome.result(r.iq(),
                        prefs(r, settings).toXml()))
                .iq(AddressKind.OWN_ACCOUNT, IqType.SET, "prefs", Mam.NS, MamModule::setPrefs)
                .stamp(archiver.inboundStamp())
                .stampSent(archiver::outbound)
                .on(Hook.ACCOUNT_DELETED, e -> HookOutcome.later(() -> context.stores().get().archive()
                        .removeAll(e.account().jid().toString()).handle((v, failure) -> {
                            if (failure != null) storeErrors.labelValues("remove-all").inc();
                            return HookOutcome.NONE;
                        })));
    }

    /** The account's preferences, or the node's default for an account that set none. */
    private static Mam.Prefs prefs(IqRequest r, MamSettings settings) {
        ArchivePrefs p = r.account().part(PREFS);
        int mode = p == null ? settings.defaultMode() : p.mode();
        return new Mam.Prefs(Mam.DefaultMode.values()[mode], p == null ? List.of() : p.always(),
                p == null ? List.of() : p.never());
    }

    /** §5.2 (of the 0.6 text, XEP-0441 since): the new preferences replace the old, and are answered back. */
    private static IqOutcome setPrefs(IqRequest r) {
        Mam.Prefs prefs;
        try {
            prefs = Mam.parsePrefs(r.payload());
        } catch (IllegalArgumentException e) {
            return IqOutcome.error(r.iq(), StanzaErrorCondition.BAD_REQUEST);
        }
        ArchivePrefs stored = new ArchivePrefs(prefs.defaultMode().ordinal(), prefs.always(), prefs.never());
        return IqOutcome.persisting(Stanzas.iqResult(r.iq(), prefs.toXml()), new ArchivePrefsSet(stored));
    }
}
