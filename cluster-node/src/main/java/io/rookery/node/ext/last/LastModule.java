package io.rookery.node.ext.last;

import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.Subscription;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.last.LastActivity;
import java.time.Duration;

/**
 * §5: the server's last activity is the time since it started. §4: an account's is 0 while a resource is
 * available, else the seconds since the last one went away; only the user and the contacts allowed to see the
 * user's presence (subscription from or both) may ask, others get forbidden.
 */
public final class LastModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(12, "2.0", "last activity: server uptime; an account's idle time for the user and subscribers"))
                .discoFeature(Discoverable.SERVER, LastActivity.NS)
                .discoFeature(Discoverable.ACCOUNT, LastActivity.NS)
                .iq(AddressKind.SERVER, IqType.GET, "query", LastActivity.NS, r -> IqOutcome.result(r.iq(),
                        LastActivity.result(Duration.between(context.startedAt(), context.clock().instant())
                                .toSeconds())))
                .iq(AddressKind.OWN_ACCOUNT, IqType.GET, "query", LastActivity.NS, LastModule::account)
                .iq(AddressKind.OTHER_ACCOUNT, IqType.GET, "query", LastActivity.NS, LastModule::account);
    }

    private static IqOutcome account(IqRequest r) {
        if (!allowed(r)) return IqOutcome.error(r.iq(), StanzaErrorCondition.FORBIDDEN);
        long seconds = r.account().lastActivitySeconds();
        if (seconds < 0) return IqOutcome.error(r.iq(), StanzaErrorCondition.SERVICE_UNAVAILABLE);
        return IqOutcome.result(r.iq(), LastActivity.result(seconds));
    }

    private static boolean allowed(IqRequest r) {
        String from = r.iq().attr("from");
        if (from == null) return false;
        Jid requester;
        try {
            requester = Jid.parse(from).bare();
        } catch (InvalidJidException | RuntimeException e) {
            return false;
        }
        if (requester.equals(r.account().jid().bare())) return true;
        RosterItem item = r.account().rosterItem(requester.toString());
        return item != null && (item.subscription() == Subscription.FROM || item.subscription() == Subscription.BOTH);
    }
}
