package io.rookery.node.ext.push;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.BoundResource;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.ResourceFlags;
import io.rookery.persistence.push.PushDisabled;
import io.rookery.persistence.push.PushEnabled;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.StanzaErrorType;
import io.rookery.protocol.xep.push.Push;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XEP-0357 §7: when a notification goes to which registrations, what it says, and what an app server's answer does
 * to its registration. Returns what to send and persist; sends nothing itself.
 *
 * <p>A notification's id carries when it was sent and a hash of its service and node, so an answer is matched to
 * its registration, and its delay measured, without the account keeping anything per notification.
 */
final class Notifications {
    private static final Logger log = LoggerFactory.getLogger(Notifications.class);
    static final String ID_PREFIX = "push-";
    /** XEP-0353: a call proposal, which a sleeping phone must wake up for as much as for a message. */
    static final String JINGLE_MESSAGE = "urn:xmpp:jingle-message:0";
    /**
     * Notifications sent to a detached resource since it last got a message while connected or bound afresh, by
     * resource (XEP-0357's message-count); in the account's memory only, and only once one was sent.
     */
    static final PartKey<HashMap<String, Integer>> COUNTS = new PartKey<>("push-counts");
    /**
     * Errors that say something went wrong on the way, not that the app server refuses the registration: the
     * registration stays (§7.1 lets a server keep one on transient errors). service-unavailable is among them because
     * it is what this server answers for a component that is not connected, as an app server restarting is.
     */
    private static final Set<StanzaErrorCondition> TRANSIENT = EnumSet.of(StanzaErrorCondition.SERVICE_UNAVAILABLE,
            StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND, StanzaErrorCondition.REMOTE_SERVER_TIMEOUT,
            StanzaErrorCondition.RECIPIENT_UNAVAILABLE, StanzaErrorCondition.INTERNAL_SERVER_ERROR,
            StanzaErrorCondition.RESOURCE_CONSTRAINT);

    private final PushSettings settings;
    private final LongSupplier millis;
    private final Metrics metrics;
    /** What the offline module keeps at most (null: it is off, nothing is stored, nothing is notified). */
    private final Integer maxOffline;

    /** The module's counters; null members count nothing (tests). */
    record Metrics(Counter notifications, Counter answers, Histogram answerSeconds) {
        static final Metrics NONE = new Metrics(null, null, null);
    }

    Notifications(PushSettings settings, Clock clock, Metrics metrics, Integer maxOffline) {
        this.settings = settings;
        this.millis = clock::millis;
        this.metrics = metrics;
        this.maxOffline = maxOffline;
    }

    /**
     * A message reached resources of the account: each detached one (XEP-0198, waiting to be resumed) gets a
     * notification to each registration it enabled; one that got it connected starts counting afresh.
     */
    HookOutcome received(Hook.StanzaReceived e) {
        List<PushEnabled> registrations = e.account().part(PushModule.REGISTRATIONS);
        if (registrations == null || e.deliveredTo().isEmpty() || !worthPushing(e.stanza())) return HookOutcome.NONE;
        List<Element> out = null;
        for (BoundResource r : e.account().resources()) {
            if (!e.deliveredTo().contains(r.name())) continue;
            if (!r.has(ResourceFlags.DETACHED)) {
                HashMap<String, Integer> counts = e.account().memo(COUNTS, null);
                if (counts != null) counts.remove(r.name());
                continue;
            }
            int count = -1;
            for (PushEnabled reg : registrations) {
                if (!r.name().equals(reg.resource())) continue;
                if (count < 0) count = e.account().memo(COUNTS, HashMap::new).merge(r.name(), 1, Integer::sum);
                if (out == null) out = new ArrayList<>(1);
                out.add(publish(e.account(), reg, e.stanza(), count, "detached"));
            }
        }
        return out == null ? HookOutcome.NONE : new HookOutcome(List.of(), out, List.of());
    }

    /**
     * A message found no resource and goes to offline storage: every registration gets a notification, counting the
     * messages stored (unless storage is full and refuses it, or the offline module is off and bounces it).
     */
    HookOutcome undeliverable(Hook.MessageUndeliverable e) {
        List<PushEnabled> registrations = e.account().part(PushModule.REGISTRATIONS);
        if (registrations == null || maxOffline == null || !worthPushing(e.message())) return HookOutcome.NONE;
        io.rookery.persistence.offline.OfflineSpool spool =
                e.account().part(io.rookery.node.ext.offline.OfflineModule.QUEUE);
        long stored = spool == null ? 0 : spool.count();
        if (stored >= maxOffline) return HookOutcome.NONE;
        int count = (int) Math.min(Integer.MAX_VALUE, stored + 1);
        List<Element> out = new ArrayList<>(registrations.size());
        for (PushEnabled reg : registrations) out.add(publish(e.account(), reg, e.message(), count, "offline"));
        return new HookOutcome(List.of(), out, List.of());
    }

    /** A resource bound afresh gets what was stored for it: its count starts again. */
    HookOutcome bound(Hook.ResourceChanged e) {
        HashMap<String, Integer> counts = e.account().memo(COUNTS, null);
        if (counts != null) counts.remove(e.resource());
        return HookOutcome.NONE;
    }

    /**
     * An app server answered a notification (§7.1): an error disables the registration unless it is transient or
     * came after the notification timeout; any other answer to the account is not the module's.
     */
    HookOutcome answered(Hook.IqResponse e) {
        Element iq = e.iq();
        String id = iq.attr("id");
        if (id == null || !id.startsWith(ID_PREFIX)) return HookOutcome.NONE;
        int dash = id.indexOf('-', ID_PREFIX.length());
        long sent;
        try {
            sent = Long.parseLong(id.substring(ID_PREFIX.length(), dash), 36);
        } catch (RuntimeException malformed) {
            return HookOutcome.NONE;
        }
        String hash = id.substring(dash + 1);
        long elapsed = millis.getAsLong() - sent;
        if (metrics.answerSeconds() != null && elapsed >= 0) metrics.answerSeconds().observe(elapsed / 1000.0);
        if (!"error".equals(iq.attr("type"))) {
            count("result");
            return HookOutcome.NONE;
        }
        if (elapsed > settings.answerTimeout().toMillis()) {
            count("late");
            return HookOutcome.NONE;
        }
        StanzaError error = null;
        for (Element child : iq.elements()) if (error == null) error = StanzaError.fromElement(child);
        if (error != null && (error.type() == StanzaErrorType.WAIT || TRANSIENT.contains(error.condition()))) {
            count("error-kept");
            return HookOutcome.NONE;
        }
        Jid from = Jid.parseOrNull(iq.attr("from"));
        List<PushEnabled> registrations = e.account().part(PushModule.REGISTRATIONS);
        if (from == null || registrations == null) return HookOutcome.NONE;
        String service = from.toString();
        for (PushEnabled reg : registrations) {
            if (reg.service().equals(service) && hash(reg).equals(hash)) {
                count("error-disabled");
                log.info("push-disabled-by-error jid={} service={} condition={}", e.account().jid(), service,
                        error == null ? "none" : error.condition().elementName());
                return HookOutcome.persist(new PushDisabled(reg.service(), reg.node()));
            }
        }
        return HookOutcome.NONE;
    }

    /**
     * What is worth waking a phone for: a chat or normal message with a body, or a XEP-0353 call proposal. Not
     * groupchat (a busy room would wake it for every line), headlines, errors, chat states or receipts alone.
     */
    static boolean worthPushing(Element message) {
        String type = message.attr("type");
        if (type != null && !"chat".equals(type) && !"normal".equals(type)) return false;
        String body = message.childText("body", io.rookery.protocol.stanza.Namespaces.CLIENT);
        if (body != null && !body.isBlank()) return true;
        return message.child("propose", JINGLE_MESSAGE) != null;
    }

    private Element publish(AccountView account, PushEnabled reg, Element message, int count, String reason) {
        String sender = settings.includeSender() ? message.attr("from") : null;
        String body = null;
        if (settings.includeBody()) {
            body = message.childText("body", io.rookery.protocol.stanza.Namespaces.CLIENT);
            if (body != null && body.length() > settings.maxBodyLength()) {
                int end = settings.maxBodyLength();
                // Not between the two halves of a surrogate pair.
                if (Character.isHighSurrogate(body.charAt(end - 1))) end--;
                body = body.substring(0, end);
            }
        }
        Element options = null;
        if (reg.publishOptions() != null) {
            try {
                options = StoredXml.parse(reg.publishOptions());
            } catch (IllegalArgumentException unreadable) {
                // Written by this module from a parsed form: sent without options rather than not at all.
            }
        }
        if (metrics.notifications() != null) metrics.notifications().labelValues(reason).inc();
        String id = ID_PREFIX + Long.toString(millis.getAsLong(), 36) + "-" + hash(reg);
        return Push.publish(account.jid().bare().toString(), reg.service(), id, reg.node(),
                Push.notification(new Push.Summary(count, -1, sender, body)), options);
    }

    /** Eight bytes of SHA-256 over the service and node: names the registration in a notification's id. */
    static String hash(PushEnabled reg) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((reg.service() + '\n' + reg.node()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private void count(String outcome) {
        if (metrics.answers() != null) metrics.answers().labelValues(outcome).inc();
    }
}
