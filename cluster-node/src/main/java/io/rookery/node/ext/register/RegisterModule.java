package io.rookery.node.ext.register;

import io.rookery.node.ext.AccountProvisioning;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.register.Register;
import io.rookery.protocol.xml.Element;
import java.util.function.Supplier;

/**
 * §3 on a stream not yet authenticated: the registration form, and account creation with a user name and
 * password (conflict when the name is taken). Switched on and off by {@code rookery.registration.enabled}, which
 * predates the module sections: with it off the module declares nothing, and a registration query gets
 * service-unavailable from the session.
 */
public final class RegisterModule implements XmppModule {
    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(77, "2.4", "in-band registration of a new account (setting, off by default)"));
        if (!context.root().getBoolean("rookery.registration.enabled")) return;
        boolean requireTls = context.root().getBoolean("rookery.c2s.require-tls");
        String feature = "<register xmlns='" + Register.FEATURE + "'/>";
        Supplier<AccountProvisioning> accounts = context.accounts();
        d.discoFeature(Discoverable.SERVER, Register.NS)
                // §4: offered where registration is allowed, which with require-tls is only on encrypted streams.
                .streamFeature(new StreamFeature(StreamFeature.Step.BEFORE_AUTHENTICATION,
                        stream -> stream.tls() || !requireTls ? feature : null))
                .iq(AddressKind.STREAM, IqType.GET, "query", Register.NS, r -> IqOutcome.result(r.iq(),
                        Element.builder("query", Register.NS)
                                .child(Element.builder("instructions", Register.NS)
                                        .text("Choose a user name and password.").build())
                                .child(Element.of("username", Register.NS))
                                .child(Element.of("password", Register.NS))
                                .build()))
                .iq(AddressKind.STREAM, IqType.SET, "query", Register.NS, r -> register(r, accounts.get()));
    }

    private static IqOutcome register(IqRequest r, AccountProvisioning accounts) {
        Element q = r.payload();
        // Changing or cancelling a registration needs an authenticated stream; not supported yet.
        if (q.child("remove", Register.NS) != null) return IqOutcome.error(r.iq(), StanzaErrorCondition.NOT_AUTHORIZED);
        String username = q.childText("username", Register.NS);
        String password = q.childText("password", Register.NS);
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            return IqOutcome.error(r.iq(), StanzaErrorCondition.NOT_ACCEPTABLE);
        }
        try {
            return IqOutcome.later(accounts.create(username.trim(), password).thenApply(created ->
                    created == AccountProvisioning.Created.CREATED ? IqOutcome.result(r.iq(), null)
                            // §3.1: the user name is taken.
                            : IqOutcome.error(r.iq(), StanzaErrorCondition.CONFLICT)));
        } catch (IllegalArgumentException unusable) {
            return IqOutcome.error(r.iq(), StanzaErrorCondition.NOT_ACCEPTABLE);
        }
    }
}
