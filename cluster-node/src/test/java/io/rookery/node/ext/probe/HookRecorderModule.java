package io.rookery.node.ext.probe;

import io.rookery.node.ext.BoundResource;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-tree module that answers the account hooks with a headline to each bound resource of the account naming
 * the hook and the resource ("resource-bound desk"), so a test sees which hooks the core ran, in which order.
 */
public final class HookRecorderModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.on(Hook.RESOURCE_BOUND, e -> tell(e.account().resources(), "resource-bound " + e.resource()))
                .on(Hook.INITIAL_PRESENCE, e -> tell(e.account().resources(), "initial-presence " + e.resource()))
                .on(Hook.RESOURCE_UNBOUND, e -> tell(e.account().resources(), "resource-unbound " + e.resource()))
                .on(Hook.OFFLINE_DELIVERY, e -> tell(e.account().resources(), "offline-delivery " + e.resource()));
    }

    private static HookOutcome tell(List<BoundResource> resources, String what) {
        List<HookOutcome.ToResource> out = new ArrayList<>();
        for (BoundResource r : resources) {
            out.add(new HookOutcome.ToResource(r.name(), Element.builder("message", Namespaces.CLIENT)
                    .attr("type", "headline").child(Element.builder("body", Namespaces.CLIENT).text(what).build())
                    .build()));
        }
        return HookOutcome.toResources(out);
    }
}
