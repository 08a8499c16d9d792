package io.rookery.node.ext.push;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.node.ext.offline.OfflineSettings;
import io.rookery.persistence.push.PushDisabled;
import io.rookery.persistence.push.PushEnabled;
import io.rookery.persistence.push.PushEventsRegistrar;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.push.Push;
import io.rookery.protocol.xml.StoredXml;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * XEP-0357: the user's clients enable (§5) and disable (§6) notifications to their app servers' push services, kept
 * as the account's part; {@link Notifications} decides when one is published (§7) and what an app server's error
 * does. The account learns which of its resources are detached (XEP-0198, waiting to be resumed) from their
 * sessions ({@code ResourceFlags.DETACHED}); nothing is kept per session, and an account without registrations
 * pays one check of its part per message.
 */
public final class PushModule implements XmppModule {
    public static final PartKey<ArrayList<PushEnabled>> REGISTRATIONS = new PartKey<>("push");

    @Override
    public void declare(ModuleContext context, Declarations d) {
        PushSettings settings = PushSettings.from(context.config());
        Counter notifications = Counter.builder().name("xmpp_push_notifications_total")
                .help("XEP-0357 notifications published to app servers, by why: a detached resource or offline storage")
                .labelNames("reason").register(context.metrics());
        Counter answers = Counter.builder().name("xmpp_push_answers_total")
                .help("App servers' answers to notifications: result, error-kept (transient), error-disabled, late")
                .labelNames("outcome").register(context.metrics());
        Histogram answerSeconds = Histogram.builder().name("xmpp_push_answer_seconds")
                .help("From a notification to its app server's answer").classicOnly()
                .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(context.metrics());
        Counter changes = Counter.builder().name("xmpp_push_registrations_changed_total")
                .help("Push registrations enabled, disabled by their user, or replaced past max-registrations")
                .labelNames("change").register(context.metrics());
        Integer maxOffline = offlineStores(context) ? OfflineSettings.from(context.root()).maxMessages() : null;
        Notifications n = new Notifications(settings, context.clock(),
                new Notifications.Metrics(notifications, answers, answerSeconds), maxOffline);
        d.implementsXep(Xep.xep(357, "0.4.1", "push notifications for messages to a detached (XEP-0198) or offline"
                        + " resource; no body unless configured"))
                .discoFeature(Discoverable.ACCOUNT, Push.NS)
                .kryoRegistrar(PushEventsRegistrar.class)
                .accountPart(REGISTRATIONS, new PushPart(), List.of(PushEnabled.class, PushDisabled.class))
                .iq(AddressKind.OWN_ACCOUNT, IqType.SET, "enable", Push.NS,
                        r -> enable(r, settings, changes, context.clock()))
                .iq(AddressKind.OWN_ACCOUNT, IqType.SET, "disable", Push.NS, r -> disable(r, changes))
                .on(Hook.STANZA_RECEIVED, n::received)
                .on(Hook.IQ_RESPONSE, n::answered)
                .on(Hook.RESOURCE_BOUND, n::bound);
        // Only while the offline module stores messages: handling this hook would otherwise keep the sender from
        // getting service-unavailable for a message nobody stored.
        if (maxOffline != null) d.on(Hook.MESSAGE_UNDELIVERABLE, n::undeliverable);
        for (String name : List.of("enable", "disable")) {
            d.iq(AddressKind.OWN_ACCOUNT, IqType.GET, name, Push.NS,
                    r -> IqOutcome.error(r.iq(), StanzaErrorCondition.BAD_REQUEST));
            // Only the account's owner enables notifications of its messages.
            for (IqType type : IqType.values()) {
                d.iq(AddressKind.OTHER_ACCOUNT, type, name, Push.NS,
                        r -> IqOutcome.error(r.iq(), StanzaErrorCondition.FORBIDDEN));
            }
        }
    }

    private static boolean offlineStores(ModuleContext context) {
        String path = "rookery.modules.offline.enabled";
        return context.root().hasPath(path) && context.root().getBoolean(path);
    }

    /**
     * §5: the registration is kept with the resource that asked (its detached session is what it is for); the same
     * service and node again replace it. Past max-registrations the oldest one is disabled first: a phone
     * reinstalled registers a new node and cannot remove the old one.
     */
    static IqOutcome enable(IqRequest r, PushSettings settings, Counter changes, java.time.Clock clock) {
        Push.Enable e;
        try {
            e = Push.Enable.parse(r.payload());
        } catch (IllegalArgumentException bad) {
            return IqOutcome.error(r.iq(), StanzaErrorCondition.BAD_REQUEST);
        }
        String options = e.publishOptions() == null ? null : StoredXml.write(e.publishOptions());
        if (e.node().getBytes(StandardCharsets.UTF_8).length > PushEventsRegistrar.MAX_NODE_BYTES
                || (options != null && options.getBytes(StandardCharsets.UTF_8).length
                        > PushEventsRegistrar.MAX_OPTIONS_BYTES)) {
            return IqOutcome.error(r.iq(), StanzaErrorCondition.NOT_ACCEPTABLE);
        }
        Jid from = Jid.parseOrNull(r.iq().attr("from"));
        String resource = from == null ? null : from.resource();
        List<UserEvent> events = new ArrayList<>(2);
        List<PushEnabled> existing = r.account().part(REGISTRATIONS);
        if (existing != null) {
            List<PushEnabled> others = existing.stream()
                    .filter(x -> !(x.service().equals(e.jid()) && x.node().equals(e.node()))).toList();
            for (int i = 0; i <= others.size() - settings.maxRegistrations(); i++) {
                events.add(new PushDisabled(others.get(i).service(), others.get(i).node()));
                if (changes != null) changes.labelValues("replaced").inc();
            }
        }
        events.add(new PushEnabled(e.jid(), e.node(), options, resource, clock.millis()));
        if (changes != null) changes.labelValues("enabled").inc();
        return new IqOutcome(Stanzas.iqResult(r.iq(), null), events, List.of());
    }

    /** §6: one node of the service, or all of its nodes; disabling what is not enabled changes nothing. */
    static IqOutcome disable(IqRequest r, Counter changes) {
        Push.Disable d;
        try {
            d = Push.Disable.parse(r.payload());
        } catch (IllegalArgumentException bad) {
            return IqOutcome.error(r.iq(), StanzaErrorCondition.BAD_REQUEST);
        }
        List<PushEnabled> existing = r.account().part(REGISTRATIONS);
        boolean any = existing != null && existing.stream().anyMatch(x -> x.service().equals(d.jid())
                && (d.node() == null || x.node().equals(d.node())));
        if (!any) return IqOutcome.result(r.iq(), null);
        if (changes != null) changes.labelValues("disabled").inc();
        return IqOutcome.persisting(Stanzas.iqResult(r.iq(), null), new PushDisabled(d.jid(), d.node()));
    }
}
