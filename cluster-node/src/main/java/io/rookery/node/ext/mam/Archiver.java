package io.rookery.node.ext.mam;

import io.prometheus.metrics.core.metrics.Counter;
import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.MessageStamp;
import io.rookery.persistence.mam.ArchivePrefs;
import io.rookery.persistence.mam.ArchiveStore;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xep.sid.StanzaId;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What goes into an account's archive (XEP-0313 §7.1.1: chat and normal messages with a body, or an encrypted
 * payload, or a XEP-0334 store hint; never those with a no-store or no-permanent-store hint), under the user's
 * preferences (§5.2 of the 0.6 text: never and always lists by bare JID, then the default), and the write itself:
 * asynchronous, off the delivery path, its failure counted and logged. The archive is a copy: a message whose
 * archive write fails is still delivered or stored offline.
 */
final class Archiver {
    private static final Logger log = LoggerFactory.getLogger(Archiver.class);
    /** A Cassandra that falls behind fails writes by the thousand: one line now and then says how many. */
    private static final io.rookery.node.limits.RateLimitedLog FAILURE_LOG = new io.rookery.node.limits.RateLimitedLog();
    static final String HINTS = "urn:xmpp:hints";
    private static final String OMEMO_LEGACY = "eu.siacs.conversations.axolotl";
    private static final String OMEMO = "urn:xmpp:omemo:2";

    private final MamSettings settings;
    private final Supplier<ArchiveStore> store;
    private final Clock clock;
    private final Counter archived;
    private final Counter storeErrors;

    Archiver(MamSettings settings, Supplier<ArchiveStore> store, Clock clock, Counter archived, Counter storeErrors) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.archived = archived;
        this.storeErrors = storeErrors;
    }

    /**
     * A message addressed to the account: archived when it should be, and then stamped with its archive id
     * (XEP-0359 by the user's bare JID); any stanza-id that claims to be by the user is removed either way.
     */
    MessageStamp.Stamped inbound(AccountView account, Element message) {
        String owner = account.jid().toString();
        Jid peer = Jid.parseOrNull(message.attr("from"));
        if (peer == null || !archivable(message) || !wanted(account, peer.bare().toString())) {
            return new MessageStamp.Stamped(StanzaId.strip(message, owner), null);
        }
        long id = ArchiveIds.next(clock.millis());
        Element stamped = StanzaId.stamp(message, owner, Long.toString(id));
        return new MessageStamp.Stamped(stamped, write(owner, id, peer.toString(), stamped, "in"));
    }

    /** The module's inbound stamp: {@link #inbound}, whose write a sender's acknowledgement may wait for. */
    MessageStamp inboundStamp() {
        return new MessageStamp() {
            @Override
            public Element stamp(AccountView account, Element message) {
                return inbound(account, message).message();
            }

            @Override
            public Stamped stampStored(AccountView account, Element message) {
                return inbound(account, message);
            }
        };
    }

    /**
     * A message one of the user's resources sent ('from' its full JID, 'to' whoever it names): archived as sent, and
     * the user's own copy (what sent carbons forward, XEP-0313 §3) stamped with its archive id. A stanza-id the
     * client put there claiming to be the archive's is removed either way.
     */
    Element outbound(AccountView account, Element message) {
        String owner = account.jid().toString();
        Element sent = StanzaId.strip(message, owner);
        Jid peer = Jid.parseOrNull(sent.attr("to"));
        if (peer == null || !archivable(sent) || !wanted(account, peer.bare().toString())) return sent;
        long id = ArchiveIds.next(clock.millis());
        write(owner, id, peer.toString(), sent, "out");
        return StanzaId.stamp(sent, owner, Long.toString(id));
    }

    /** Completes when the row is written; a failure is counted and logged here (the stage then completes too). */
    private CompletionStage<?> write(String owner, long id, String peer, Element message, String direction) {
        String xml = StoredXml.write(message);
        return store.get().put(owner, id, peer, xml, settings.retentionSeconds()).whenComplete((v, failure) -> {
            if (failure == null) {
                archived.labelValues(direction).inc();
            } else {
                storeErrors.labelValues("put").inc();
                long events = FAILURE_LOG.event(System.nanoTime());
                if (events > 0) {
                    log.warn("mam-store-failed jid={} operation=put error={} failures-since-last-line={}", owner,
                            failure.toString(), events);
                }
            }
        });
    }

    static boolean archivable(Element message) {
        String type = message.attr("type");
        if (type != null && !"chat".equals(type) && !"normal".equals(type)) return false;
        if (message.child("no-store", HINTS) != null || message.child("no-permanent-store", HINTS) != null) {
            return false;
        }
        return message.child("body", null) != null || message.child("store", HINTS) != null
                || message.child("encrypted", OMEMO_LEGACY) != null || message.child("encrypted", OMEMO) != null;
    }

    boolean wanted(AccountView account, String peerBare) {
        ArchivePrefs prefs = account.part(MamModule.PREFS);
        if (prefs != null) {
            if (prefs.never().contains(peerBare)) return false;
            if (prefs.always().contains(peerBare)) return true;
        }
        int mode = prefs == null ? settings.defaultMode() : prefs.mode();
        return switch (mode) {
            case ArchivePrefs.ALWAYS -> true;
            case ArchivePrefs.ROSTER -> account.rosterItem(peerBare) != null || account.jid().toString().equals(peerBare);
            default -> false;
        };
    }

}
