package io.rookery.node.c2s;

import io.rookery.node.user.Accounts;
import io.rookery.node.user.SessionProtocol;
import io.rookery.protocol.xep.register.Register;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;

/**
 * XEP-0077 in-band registration before authentication (version 2.4), when enabled: the registration form, and
 * account creation with a user name and password. Changing or cancelling a registration is not supported yet.
 */
final class Registration {
    private Registration() {}

    record Answered(Element iq, UserEntity.AccountResult result, Throwable failure) implements SessionActor.Local {}

    static boolean isRegistrationIq(Element e) {
        return "iq".equals(e.name()) && e.child("query", Register.NS) != null;
    }

    static Behavior<SessionProtocol.Message> handle(SessionActor session, Element iq) {
        String type = iq.attr("type");
        if ("get".equals(type)) {
            Element form = Element.builder("query", Register.NS)
                    .child(Element.builder("instructions", Register.NS)
                            .text("Choose a user name and password.").build())
                    .child(Element.of("username", Register.NS))
                    .child(Element.of("password", Register.NS))
                    .build();
            return session.registrationReply(Stanzas.iqResult(iq, form));
        }
        if (!"set".equals(type)) return session.registrationReply(error(iq, StanzaErrorCondition.BAD_REQUEST));
        Element q = iq.child("query", Register.NS);
        String username = q.childText("username", Register.NS);
        String password = q.childText("password", Register.NS);
        if (q.child("remove", Register.NS) != null) {
            return session.registrationReply(error(iq, StanzaErrorCondition.NOT_AUTHORIZED));
        }
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            return session.registrationReply(error(iq, StanzaErrorCondition.NOT_ACCEPTABLE));
        }
        Jid jid;
        try {
            jid = Jid.of(username.trim(), session.services().domain(), null);
            Accounts.checkPassword(password);
        } catch (InvalidJidException | IllegalArgumentException ex) {
            return session.registrationReply(error(iq, StanzaErrorCondition.NOT_ACCEPTABLE));
        }
        var credentials = Accounts.credentialsFor(password, session.services().scramIterations());
        session.context().ask(UserEntity.AccountResult.class, session.services().router().user(jid),
                Duration.ofSeconds(10), r -> new UserEntity.CreateAccount(credentials, r),
                (ok, failure) -> new Answered(iq, ok, failure));
        return session;
    }

    static Behavior<SessionProtocol.Message> answered(SessionActor session, Answered a) {
        if (a.failure() != null) return session.registrationReply(error(a.iq(), StanzaErrorCondition.INTERNAL_SERVER_ERROR));
        if (a.result().status() == UserEntity.AccountStatus.CREATED) {
            return session.registrationReply(Stanzas.iqResult(a.iq(), null));
        }
        // XEP-0077 §3.1: the user name is taken.
        return session.registrationReply(error(a.iq(), StanzaErrorCondition.CONFLICT));
    }

    private static Element error(Element iq, StanzaErrorCondition c) {
        return Stanzas.errorReply(iq, StanzaError.of(c));
    }
}
