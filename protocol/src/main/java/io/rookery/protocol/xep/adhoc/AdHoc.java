package io.rookery.protocol.xep.adhoc;

import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.StanzaErrorType;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** XEP-0050 elements: a requester's {@link Request}, a responder's {@link #response}, the errors of §4.6. */
public final class AdHoc {
    public static final String NS = "http://jabber.org/protocol/commands";
    /** §2.2: the well-known disco node under which an entity lists its commands. */
    public static final String NODE = NS;

    private AdHoc() {}

    /** §4.1 {@code action}: what the requester asks; execute is the default. */
    public enum Action {
        EXECUTE, CANCEL, PREV, NEXT, COMPLETE;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The action of this name, or null. */
        static Action of(String value) {
            for (Action a : values()) if (a.value().equals(value)) return a;
            return null;
        }
    }

    /** §4.1 {@code status}: where the session stands after the responder's answer. */
    public enum Status {
        EXECUTING, COMPLETED, CANCELED;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** §4.3 note types. */
    public enum NoteType {
        INFO, WARN, ERROR;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Note(NoteType type, String text) {
        public static Note info(String text) {
            return new Note(NoteType.INFO, text);
        }

        public static Note error(String text) {
            return new Note(NoteType.ERROR, text);
        }
    }

    /** §4.6: the specific conditions, each with its general condition and type. */
    public enum Failure {
        MALFORMED_ACTION(StanzaErrorCondition.BAD_REQUEST, StanzaErrorType.MODIFY),
        BAD_ACTION(StanzaErrorCondition.BAD_REQUEST, StanzaErrorType.MODIFY),
        BAD_LOCALE(StanzaErrorCondition.BAD_REQUEST, StanzaErrorType.MODIFY),
        BAD_PAYLOAD(StanzaErrorCondition.BAD_REQUEST, StanzaErrorType.MODIFY),
        BAD_SESSIONID(StanzaErrorCondition.BAD_REQUEST, StanzaErrorType.MODIFY),
        SESSION_EXPIRED(StanzaErrorCondition.NOT_ALLOWED, StanzaErrorType.CANCEL);

        public final StanzaErrorCondition condition;
        public final StanzaErrorType type;

        Failure(StanzaErrorCondition condition, StanzaErrorType type) {
            this.condition = condition;
            this.type = type;
        }

        public String elementName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A requester's command refused before any command ran: the failure and a text for a human. */
    public static final class Malformed extends IllegalArgumentException {
        public final Failure failure;

        Malformed(Failure failure, String message) {
            super(message);
            this.failure = failure;
        }
    }

    /**
     * What a requester sent (§4.1): the command's node, the action (execute when absent), the session id (null
     * when the requester starts a session) and the data form it submitted (null when none; XEP-0050 §4.5.1: a
     * form of type cancel counts as a submitted one).
     */
    public record Request(String node, Action action, String sessionId, Element form) {
        /** The values of each field of the submitted form (var to values), empty when there is none. */
        public java.util.Map<String, List<String>> fields() {
            if (form == null) return java.util.Map.of();
            Element asSubmitted = form.withAttr("type", "submit");
            return DataForm.submitted(Element.builder("command", NS).child(asSubmitted).build());
        }
    }

    /**
     * Reads a {@code <command/>}; throws {@link Malformed} with MALFORMED_ACTION for an action the XEP does not
     * define, BAD_PAYLOAD for no node or a form of a type a requester may not send, BAD_SESSIONID for an empty one.
     */
    public static Request parse(Element command) {
        String node = command.attr("node");
        if (node == null || node.isEmpty()) throw new Malformed(Failure.BAD_PAYLOAD, "the command has no node");
        String actionAttr = command.attr("action");
        Action action = actionAttr == null ? Action.EXECUTE : Action.of(actionAttr);
        if (action == null) throw new Malformed(Failure.MALFORMED_ACTION, "unknown action " + actionAttr);
        String sessionId = command.attr("sessionid");
        if (sessionId != null && sessionId.isEmpty()) {
            // §4.1: the value "MUST NOT be empty".
            throw new Malformed(Failure.BAD_SESSIONID, "empty sessionid");
        }
        Element form = command.child("x", DataForm.NS);
        if (form != null) {
            String type = form.attr("type");
            if (type != null && !"submit".equals(type) && !"cancel".equals(type)) {
                throw new Malformed(Failure.BAD_PAYLOAD, "a requester submits a form, not one of type " + type);
            }
        }
        return new Request(node, action, sessionId, form);
    }

    /**
     * A responder's {@code <command/>} (§4.1-§4.3): node, session id and status; the allowed actions and the
     * default one when the session goes on (execute null: no actions element); notes; then the payload (a form or
     * null).
     */
    public static Element response(String node, String sessionId, Status status, Action execute,
            List<Action> allowed, List<Note> notes, Element payload) {
        Element.Builder c = Element.builder("command", NS).attr("node", node).attr("sessionid", sessionId)
                .attr("status", status.value());
        if (execute != null || !allowed.isEmpty()) {
            Element.Builder actions = Element.builder("actions", NS);
            if (execute != null) actions.attr("execute", execute.value());
            // §4.2: the schema orders them prev, next, complete.
            for (Action a : List.of(Action.PREV, Action.NEXT, Action.COMPLETE)) {
                if (allowed.contains(a)) actions.child(Element.of(a.value(), NS));
            }
            c.child(actions.build());
        }
        for (Note n : notes) c.child(Element.builder("note", NS).attr("type", n.type().value()).text(n.text()).build());
        if (payload != null) c.child(payload);
        return c.build();
    }

    /** A session's one-stage form (§3.4.2): executing, with complete as the only, and default, action. */
    public static Element form(String node, String sessionId, Element form) {
        return response(node, sessionId, Status.EXECUTING, Action.COMPLETE, List.of(Action.COMPLETE), List.of(),
                form);
    }

    /** The session is over (§4.1 completed), with notes and an optional result form. */
    public static Element completed(String node, String sessionId, List<Note> notes, Element result) {
        return response(node, sessionId, Status.COMPLETED, null, List.of(), notes, result);
    }

    /** §3.4.3: the requester's cancellation accepted. */
    public static Element canceled(String node, String sessionId) {
        return response(node, sessionId, Status.CANCELED, null, List.of(), List.of(), null);
    }

    /** An error reply with only a general condition (forbidden, item-not-found...), the command echoed bare. */
    public static Element errorReply(Element iq, StanzaErrorCondition condition, String text) {
        return Stanzas.errorReply(stripped(iq), new StanzaError(condition.defaultType(), condition, text));
    }

    private static Element stripped(Element iq) {
        List<Node> bare = new ArrayList<>(1);
        for (Element e : iq.elements()) bare.add(e.withChildren(List.of()));
        return iq.withChildren(bare);
    }

    /**
     * The error reply to a command iq (§4.6): the general condition with the specific one beside it in the
     * commands namespace, and a text. The command is echoed without its children (RFC 6120 §8.3.1 lets the
     * payload go): a submitted form may carry a password.
     */
    public static Element errorReply(Element iq, Failure failure, String text) {
        Element reply = Stanzas.errorReply(stripped(iq), new StanzaError(failure.type, failure.condition, text));
        List<Node> children = new ArrayList<>(reply.children());
        Element error = (Element) children.get(children.size() - 1);
        List<Node> inError = new ArrayList<>(error.children());
        // RFC 6120 §8.3.2: the application-specific condition follows the defined one (and its text).
        inError.add(Element.of(failure.elementName(), NS));
        children.set(children.size() - 1, error.withChildren(inError));
        return reply.withChildren(children);
    }
}
