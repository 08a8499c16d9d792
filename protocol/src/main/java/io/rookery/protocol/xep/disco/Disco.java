package io.rookery.protocol.xep.disco;

import io.rookery.protocol.xml.Element;
import java.util.Collection;

/** XEP-0030 namespaces and the {@code <query/>} of an info result (§3.1). */
public final class Disco {
    public static final String INFO = "http://jabber.org/protocol/disco#info";
    public static final String ITEMS = "http://jabber.org/protocol/disco#items";

    /** An identity (§3.1): category and type are required, the name optional. */
    public record Identity(String category, String type, String name) {
        /** XEP-0115 §5.1 form: category/type/lang/name, no language. */
        public String capsForm() {
            return category + "/" + type + "//" + (name == null ? "" : name);
        }
    }

    private Disco() {}

    /** {@code <query xmlns='…disco#info' [node]>} with the identities then one {@code <feature var/>} each. */
    public static Element info(String node, Collection<Identity> identities, Collection<String> features) {
        Element.Builder q = Element.builder("query", INFO);
        if (node != null) q.attr("node", node);
        for (Identity i : identities) {
            Element.Builder id = Element.builder("identity", INFO).attr("category", i.category()).attr("type", i.type());
            if (i.name() != null) id.attr("name", i.name());
            q.child(id.build());
        }
        for (String f : features) q.child(Element.builder("feature", INFO).attr("var", f).build());
        return q.build();
    }

    /** An item (§4.1): a JID, an optional node and name. */
    public record Item(String jid, String node, String name) {}

    /** {@code <query xmlns='…disco#items' [node]>} with one {@code <item/>} each. */
    public static Element items(String node, Collection<Item> items) {
        Element.Builder q = Element.builder("query", ITEMS).attr("node", node);
        for (Item i : items) {
            q.child(Element.builder("item", ITEMS).attr("jid", i.jid()).attr("node", i.node()).attr("name", i.name())
                    .build());
        }
        return q.build();
    }

    /** An empty items result: the entity publishes no items. */
    public static Element noItems() {
        return Element.of("query", ITEMS);
    }
}
