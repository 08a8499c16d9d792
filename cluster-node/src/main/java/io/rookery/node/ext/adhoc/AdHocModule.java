package io.rookery.node.ext.adhoc;

import io.prometheus.metrics.core.metrics.Counter;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.DiscoNodes;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.xep.adhoc.AdHoc;

/**
 * XEP-0050 commands of the server, which are XEP-0133's administration commands, for the bare JIDs listed in
 * {@code rookery.modules.adhoc.admins}: listed under the commands node, described by disco#info of each node, and
 * run in one stage (a form, then its submission). Sessions cost the server nothing ({@link SessionIds}).
 */
public final class AdHocModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        AdHocSettings settings = AdHocSettings.from(context.config());
        Counter commands = Counter.builder().name("xmpp_adhoc_commands_total")
                .help("XEP-0133 commands run through XEP-0050, by command and outcome (completed; failed: answered"
                        + " with an error or an error note; refused: the requester is no administrator)")
                .labelNames("command", "outcome").register(context.metrics());
        AdminCommands admin = new AdminCommands(context.domain(), settings,
                new SessionIds(SessionIds.newKey(), context.clock()::millis, settings.sessionTimeout()),
                context.accounts(), context.admin(), (node, outcome) -> commands.labelValues(node, outcome).inc());
        d.implementsXep(Xep.xep(50, "1.3.0", "the server's commands: XEP-0133's, one stage each"))
                .implementsXep(Xep.xep(133, "1.3.0", "add, delete, disable, re-enable user, change user password,"
                        + " number of registered and online users, announcement; for `rookery.modules.adhoc.admins`"))
                .discoFeature(Discoverable.SERVER, AdHoc.NS)
                .discoNodes(new DiscoNodes() {
                    @Override
                    public IqOutcome info(IqRequest request, String node) {
                        return admin.info(request, node);
                    }

                    @Override
                    public IqOutcome items(IqRequest request, String node) {
                        return admin.items(request, node);
                    }
                })
                .iq(AddressKind.SERVER, IqType.SET, "command", AdHoc.NS, admin::execute);
    }
}
