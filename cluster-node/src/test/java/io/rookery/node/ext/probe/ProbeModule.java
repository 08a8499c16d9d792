package io.rookery.node.ext.probe;

import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.xml.Element;

/**
 * A module that exists only in the test tree: it answers {@code <probe xmlns='urn:rookery:test:probe'/>} gets to
 * the server with its configured greeting (and throws on {@code <fail/>} gets), and adds a disco feature and a stream feature. Enabled through
 * configuration alone: {@code rookery.modules.probe { class = "…ProbeModule", enabled = on, greeting = "…" }}.
 */
public final class ProbeModule implements XmppModule {
    public static final String NS = "urn:rookery:test:probe";

    @Override
    public void declare(ModuleContext context, Declarations d) {
        String greeting = context.config().getString("greeting");
        if (context.config().hasPath("events-registrar")) {
            // A registrar for the events of this imaginary module, to see the node check it is configured.
            try {
                d.kryoRegistrar(Class.forName(context.config().getString("events-registrar"))
                        .asSubclass(io.rookery.persistence.kryo.KryoRegistrar.class));
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException(e);
            }
        }
        if (context.config().hasPath("every-sent-message") && context.config().getBoolean("every-sent-message")) {
            // As an archive would: every message the user's resources send, whatever the other resources asked.
            d.on(io.rookery.node.ext.Hook.STANZA_SENT, e -> io.rookery.node.ext.HookOutcome.NONE);
        }
        d.discoFeature(Discoverable.SERVER, NS)
                .streamFeature(StreamFeature.always(StreamFeature.Step.AFTER_AUTHENTICATION,
                        "<probe xmlns='" + NS + "'/>"))
                .iq(AddressKind.SERVER, IqType.GET, "probe", NS, r -> IqOutcome.result(r.iq(),
                        Element.builder("probe", NS).attr("greeting", greeting).build()))
                // A module's bug: its handler throws.
                .iq(AddressKind.SERVER, IqType.GET, "fail", NS, r -> {
                    throw new IllegalStateException("the probe module fails on purpose");
                });
    }

    /** The configuration that switches it on, as -D style keys. */
    public static java.util.Map<String, Object> enabledWith(String greeting) {
        return java.util.Map.of("rookery.modules.probe.class", ProbeModule.class.getName(),
                "rookery.modules.probe.enabled", true, "rookery.modules.probe.greeting", greeting);
    }
}
