package io.rookery.node.ext.register;

import io.prometheus.metrics.core.metrics.Counter;
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
import io.rookery.node.limits.AddressKey;
import io.rookery.node.limits.RateLimitedLog;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.StanzaErrorType;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.register.Register;
import io.rookery.protocol.xml.Element;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * §3 on a stream not yet authenticated: the registration form, and account creation with a user name and
 * password (conflict when the name is taken). Switched on and off by {@code rookery.registration.enabled}, which
 * predates the module sections: with it off the module declares nothing, and a registration query gets
 * service-unavailable from the session. Registrations are limited per connection, per client address and per node
 * ({@link RegistrationLimits}, {@code rookery.modules.register.*}).
 */
public final class RegisterModule implements XmppModule {
    private static final Logger LOG = LoggerFactory.getLogger(RegisterModule.class);

    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(77, "2.4", "in-band registration of a new account (setting, off by default; limited"
                + " per connection, address and node)"));
        RegisterSettings settings = RegisterSettings.from(context.config());
        if (!context.root().getBoolean("rookery.registration.enabled")) return;
        boolean requireTls = context.root().getBoolean("rookery.c2s.require-tls");
        String feature = "<register xmlns='" + Register.FEATURE + "'/>";
        Supplier<AccountProvisioning> accounts = context.accounts();
        Limited limited = new Limited(new RegistrationLimits(settings, context.clock()::millis),
                Counter.builder().name("xmpp_register_refused_total")
                        .help("XEP-0077 registrations refused by a limit (stream: the connection registered already;"
                                + " address, node: too many within their window)")
                        .labelNames("reason").register(context.metrics()));
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
                .iq(AddressKind.STREAM, IqType.SET, "query", Register.NS, r -> register(r, accounts.get(), limited));
    }

    /** The limits with their count and log. */
    private record Limited(RegistrationLimits limits, Counter refused, RateLimitedLog log) {
        Limited(RegistrationLimits limits, Counter refused) {
            this(limits, refused, new RateLimitedLog());
        }
    }

    private static IqOutcome register(IqRequest r, AccountProvisioning accounts, Limited limited) {
        Element q = r.payload();
        // Changing or cancelling a registration needs an authenticated stream; not supported yet.
        if (q.child("remove", Register.NS) != null) return IqOutcome.error(r.iq(), StanzaErrorCondition.NOT_AUTHORIZED);
        String username = q.childText("username", Register.NS);
        String password = q.childText("password", Register.NS);
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            return IqOutcome.error(r.iq(), StanzaErrorCondition.NOT_ACCEPTABLE);
        }
        RegistrationLimits.Reservation place = limited.limits().reserve(r.stream());
        if (place.refusal != null) return refused(r, place.refusal, limited);
        CompletionStage<AccountProvisioning.Created> creation;
        try {
            creation = accounts.create(username.trim(), password);
        } catch (IllegalArgumentException unusable) {
            place.release();
            return IqOutcome.error(r.iq(), StanzaErrorCondition.NOT_ACCEPTABLE);
        }
        creation.whenComplete((created, failure) -> {
            if (created != AccountProvisioning.Created.CREATED) place.release();
        });
        return IqOutcome.later(creation.thenApply(created -> created == AccountProvisioning.Created.CREATED
                ? IqOutcome.result(r.iq(), null)
                // §3.1: the user name is taken.
                : IqOutcome.error(r.iq(), StanzaErrorCondition.CONFLICT)));
    }

    /**
     * §3.1.1 lets a server answer not-acceptable to an entity that registers again before authenticating: type
     * cancel, as this connection will not register another. The address and node limits pass with time: RFC 6120
     * §8.3.3.18 resource-constraint, type wait (retry later).
     */
    private static IqOutcome refused(IqRequest r, RegistrationLimits.Refusal refusal, Limited limited) {
        RegisterSettings s = limited.limits().settings();
        limited.refused().labelValues(refusal.label).inc();
        long address = r.stream() == null ? AddressKey.UNKNOWN : r.stream().address();
        long lines = limited.log().event(System.nanoTime());
        if (lines > 0) {
            String limit = switch (refusal) {
                case STREAM -> s.maxPerStream() + " per connection";
                case ADDRESS -> s.maxPerAddress() + " per " + written(s.addressWindow());
                case NODE -> s.maxPerNode() + " per " + written(s.nodeWindow());
            };
            LOG.warn("register-refused reason={} address={} limit=\"{}\" refused-since-last-line={}", refusal.label,
                    AddressKey.format(address), limit, lines);
        }
        StanzaError error = switch (refusal) {
            case STREAM -> new StanzaError(StanzaErrorType.CANCEL, StanzaErrorCondition.NOT_ACCEPTABLE,
                    "this connection has registered an account already: log in, or connect again");
            case ADDRESS -> new StanzaError(StanzaErrorType.WAIT, StanzaErrorCondition.RESOURCE_CONSTRAINT,
                    "too many accounts registered from this address recently; try again later");
            case NODE -> new StanzaError(StanzaErrorType.WAIT, StanzaErrorCondition.RESOURCE_CONSTRAINT,
                    "too many accounts registered recently; try again later");
        };
        return IqOutcome.reply(Stanzas.errorReply(r.iq(), error));
    }

    /** A window as the settings write it: 1h, 10m, 30s. */
    private static String written(java.time.Duration d) {
        long s = d.toSeconds();
        if (s > 0 && s % 3600 == 0) return s / 3600 + "h";
        if (s > 0 && s % 60 == 0) return s / 60 + "m";
        return s > 0 && d.toMillis() % 1000 == 0 ? s + "s" : d.toMillis() + "ms";
    }
}
