package io.rookery.node.ext.register;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.xep.register.Register;

/**
 * Switched on and off by {@code rookery.registration.enabled} (the setting predates the module sections), so the
 * module entry itself stays enabled.
 */
public final class RegisterModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(77, "2.4", "in-band registration of a new account (setting, off by default)"));
        if (!context.root().getBoolean("rookery.registration.enabled")) return;
        boolean requireTls = context.root().getBoolean("rookery.c2s.require-tls");
        String feature = "<register xmlns='" + Register.FEATURE + "'/>";
        d.discoFeature(Discoverable.SERVER, Register.NS)
                // §4: offered where registration is allowed, which with require-tls is only on encrypted streams.
                .streamFeature(new StreamFeature(StreamFeature.Step.BEFORE_AUTHENTICATION,
                        stream -> stream.tls() || !requireTls ? feature : null));
    }

    @Override
    public boolean canBeSwitchedOff() {
        return false;
    }
}
