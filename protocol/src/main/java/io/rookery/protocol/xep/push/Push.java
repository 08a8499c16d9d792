package io.rookery.protocol.xep.push;

import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xml.Element;

/** XEP-0357's requests and the notification publish, read from and written as the XEP's examples. */
public final class Push {
    public static final String NS = "urn:xmpp:push:0";
    /** §7: the FORM_TYPE of the summary a notification carries. */
    public static final String SUMMARY = "urn:xmpp:push:summary";

    private Push() {}

    /**
     * §5: push notifications to this node of the app server's push service, with the form to send as XEP-0060
     * publish options with each one (null: none). jid is normalised (RFC 7622).
     */
    public record Enable(String jid, String node, Element publishOptions) {
        /**
         * Reads {@code <enable/>}; IllegalArgumentException when jid is missing or malformed, node is missing or
         * empty (§5 says SHOULD; a publish needs a node, XEP-0060 §7.1.3.3), or the form is not a submitted
         * publish-options form.
         */
        public static Enable parse(Element enable) {
            if (!enable.is("enable", NS)) throw new IllegalArgumentException("not an enable request");
            String jid = serviceJid(enable);
            String node = enable.attr("node");
            if (node == null || node.isEmpty()) throw new IllegalArgumentException("enable without a node");
            Element form = enable.child("x", DataForm.NS);
            if (form != null) {
                String type = form.attr("type");
                // The XEP's example omits the type; a form with one must be a submitted form (XEP-0004 §3.1).
                if (type != null && !"submit".equals(type)) throw new IllegalArgumentException("form of type " + type);
                String formType = formType(form);
                if (formType != null && !PubSub.PUBLISH_OPTIONS.equals(formType)) {
                    throw new IllegalArgumentException("form of FORM_TYPE " + formType);
                }
            }
            return new Enable(jid, node, form);
        }
    }

    /** §6: no more notifications to this node of the service, or (node null) to any of its nodes. */
    public record Disable(String jid, String node) {
        public static Disable parse(Element disable) {
            if (!disable.is("disable", NS)) throw new IllegalArgumentException("not a disable request");
            String node = disable.attr("node");
            return new Disable(serviceJid(disable), node == null || node.isEmpty() ? null : node);
        }
    }

    /**
     * §7's summary: messageCount and pendingSubscriptions when not negative, the last message's sender and body when
     * not null.
     */
    public record Summary(int messageCount, int pendingSubscriptions, String lastSender, String lastBody) {}

    /** §7: {@code <notification/>} with the summary form. */
    public static Element notification(Summary summary) {
        Element.Builder x = Element.builder("x", DataForm.NS).attr("type", "submit")
                .child(field("FORM_TYPE", SUMMARY));
        if (summary.messageCount() >= 0) x.child(field("message-count", Integer.toString(summary.messageCount())));
        if (summary.pendingSubscriptions() >= 0) {
            x.child(field("pending-subscription-count", Integer.toString(summary.pendingSubscriptions())));
        }
        if (summary.lastSender() != null) x.child(field("last-message-sender", summary.lastSender()));
        if (summary.lastBody() != null) x.child(field("last-message-body", summary.lastBody()));
        return Element.builder("notification", NS).child(x.build()).build();
    }

    /**
     * §7: the iq set that publishes a notification to the node, from the user's bare JID, with the form given at
     * enable as {@code <publish-options/>} (null: none).
     */
    public static Element publish(String from, String to, String id, String node, Element notification,
            Element publishOptions) {
        Element.Builder pubsub = Element.builder("pubsub", PubSub.NS).child(Element.builder("publish", PubSub.NS)
                .attr("node", node).child(Element.builder("item", PubSub.NS).child(notification).build()).build());
        if (publishOptions != null) {
            pubsub.child(Element.builder("publish-options", PubSub.NS).child(publishOptions).build());
        }
        return Element.builder("iq", Namespaces.CLIENT).attr("type", "set").attr("from", from).attr("to", to)
                .attr("id", id).child(pubsub.build()).build();
    }

    /** The summary form's fields of a notification publish, var to first value (for app servers and tests). */
    public static java.util.Map<String, String> summaryOf(Element publishIq) {
        Element pubsub = publishIq.child("pubsub", PubSub.NS);
        Element publish = pubsub == null ? null : pubsub.child("publish", PubSub.NS);
        Element item = publish == null ? null : publish.child("item", PubSub.NS);
        Element notification = item == null ? null : item.child("notification", NS);
        Element x = notification == null ? null : notification.child("x", DataForm.NS);
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        if (x == null) return fields;
        for (Element f : x.children("field", DataForm.NS)) {
            Element value = f.child("value", DataForm.NS);
            if (f.attr("var") != null) fields.put(f.attr("var"), value == null ? null : value.text());
        }
        return fields;
    }

    private static String serviceJid(Element request) {
        String jid = request.attr("jid");
        if (jid == null || jid.isEmpty()) throw new IllegalArgumentException(request.name() + " without a jid");
        try {
            return Jid.parse(jid).toString();
        } catch (InvalidJidException e) {
            throw new IllegalArgumentException("malformed jid " + jid, e);
        }
    }

    private static String formType(Element form) {
        for (Element f : form.children("field", DataForm.NS)) {
            if ("FORM_TYPE".equals(f.attr("var"))) {
                Element value = f.child("value", DataForm.NS);
                return value == null ? null : value.text();
            }
        }
        return null;
    }

    private static Element field(String var, String value) {
        return Element.builder("field", DataForm.NS).attr("var", var)
                .child(Element.builder("value", DataForm.NS).text(value).build()).build();
    }
}
