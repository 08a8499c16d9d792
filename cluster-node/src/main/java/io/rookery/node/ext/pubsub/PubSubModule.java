package io.rookery.node.ext.pubsub;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.XmppModule;
import io.rookery.node.ext.Xep;

/**
 * XEP-0060 publish-subscribe on {@code <subdomain>.<domain>}: each node a sharded persistent entity, its items in the
 * item store shared with XEP-0163, the list of nodes in a directory table.
 */
public final class PubSubModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        PubSubSettings settings = PubSubSettings.from(context.config());
        String domain = settings.subdomain() + "." + context.domain();
        // The same XEP and version as the pep module's: the README's table has one row for both.
        d.implementsXep(Xep.xep(60, "1.26", "a pubsub service on " + domain + ": leaf nodes as sharded entities,"
                        + " subscriptions with options, publish, items, owner's configuration, subscriptions and"
                        + " affiliations, delete and purge notified, disco of nodes"))
                .kryoRegistrar(PubSubMessagesRegistrar.class)
                .service(domain, settings.name(), ctx -> PubSubService.start(ctx, context.domain(), domain, settings));
    }
}
